"""Read Open Terms Archive `*-versions` repositories (git) without a work tree.

Shared by `select_pairs.py` and `rebuild.py`: where the archives are, which documents may never be
used (the project's held-out documents, see `EXCLUDED_SERVICES`), the consecutive versions of each
document, and the changed-word count of a pair.
"""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

from diff_match_patch import diff_match_patch

REPOSITORIES = (
    "contrib-versions",
    "france-versions",
    "p2b-compliance-versions",
    "dating-versions",
    "sante-numerique-france-versions",
    "user-rights-versions",
    "vlopses-us-versions",
    "dsa-reports-versions",
    "demo-versions",
    "pga-versions",
)

# The project is scored on documents nobody working on it may see: every service named below is left
# out of every repository (the same service's documents recur across archives), and so are providers
# of generative AI (one held-out archive is entirely theirs). Names compare case-insensitively.
EXCLUDED_SERVICES = frozenset(name.casefold() for name in (
    "AcuityAds", "AdRoll", "Aetna", "Alibaba.com", "Alibaba", "Allstate", "Amazon Web Services", "Bing",
    "Bitwarden", "Cloudant", "Coindesk", "CommentCaMarche", "Couchsurfing", "Disqus", "GitHub", "LINE",
    "Linear", "Microsoft Store", "NordVPN", "Palantir", "Philip Morris International", "Pinterest", "pixiv",
    "Simpli.fi", "Substack", "thomsonreuters.com", "Thunderbird", "TIME", "Twitch", "Vimeo", "WeTransfer",
    "Wikimedia Foundation", "Wikipedia", "World Market", "Xanga", "Xing", "Zillow",
    "Air Algerie", "Air Europa", "Austrian Airlines AG", "Bershka", "Boulanger", "Brussels Airlines", "C-A",
    "Canalplus", "Decathlon", "Discord", "FlixBus", "Google", "Iberia", "IntraMuros", "Jennyfer", "Lime",
    "Netflix", "Nike", "Pony", "Printemps", "TikTok", "Tiktok",
    "Bluesky", "Facebook", "Instagram", "LinkedIn", "Moltbook", "Spotify", "Telegram", "WeChat", "YouTube",
    "Youtube", "Tumblr",
))
GENERATIVE_AI = re.compile(
    r"openai|chatgpt|anthropic|claude|mistral|gemini|copilot|perplexity|deepseek|character\.?ai|midjourney|"
    r"stability|hugging ?face|meta ai|grok|xai|dall-?e|sora|llama|cohere|aleph alpha|le chat|poe|jasper|"
    r"runway|synthesia|replika|pi\.ai|inflection|you\.com|qwen|kimi|ernie|bard",
    re.IGNORECASE,
)

CHANGE_SUBJECT = re.compile(r"^(Record new changes|Record changes|Update )")
TECHNICAL_SUBJECT = re.compile(r"^(Apply technical|Record refinement|Refilter|Refine)")


def excluded(service: str) -> bool:
    return service.casefold() in EXCLUDED_SERVICES or bool(GENERATIVE_AI.search(service))


def find_archive(archives: Path, name: str) -> Path | None:
    """The git directory of archive `name` under `archives` (bare, a clone, or a fetched snapshot)."""
    for folder in (archives / name, archives / f"OpenTermsArchive+{name}"):
        for git_dir in (folder / "repo" / ".git", folder / "repo", folder / ".git", folder):
            if (git_dir / "HEAD").is_file() and (git_dir / "objects").is_dir():
                return git_dir
    return None


def git(git_dir: Path, *args: str) -> str:
    return subprocess.run(["git", "--git-dir", str(git_dir), *args], check=True, capture_output=True,
                          text=True, encoding="utf-8", errors="replace").stdout


def show(git_dir: Path, commit: str, path: str) -> str:
    return git(git_dir, "show", f"{commit}:{path}")


@dataclass(frozen=True)
class Revision:
    commit: str
    subject: str
    date: str


def history(git_dir: Path) -> dict[str, list[Revision]]:
    """Every document's revisions, oldest first, from one pass over the log."""
    log = git(git_dir, "log", "--reverse", "--no-renames", "--format=\x1e%H\x1f%aI\x1f%s", "--name-only")
    revisions: dict[str, list[Revision]] = {}
    for record in log.split("\x1e")[1:]:
        header, _, names = record.partition("\n")
        commit, date, subject = header.split("\x1f", 2)
        for name in filter(None, (line.strip() for line in names.splitlines())):
            if name.endswith(".md") and "/" in name:
                revisions.setdefault(name, []).append(Revision(commit, subject, date))
    return revisions


_WORD = re.compile(r"\S+")
_LINK = re.compile(r"\]\([^)]*\)|https?://\S+")
EUROPEAN_LANGUAGES = ("en", "fr", "de", "es", "it", "nl", "pt", "pl", "cs", "sk", "sv", "da", "fi", "no", "ro",
                      "hu", "el", "bg", "hr", "sl", "lt", "lv", "et", "ru", "uk", "tr")


def language_of(text: str) -> str:
    """The language of a document (py3langid among European languages, link targets left out)."""
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    global _identifier
    if _identifier is None:
        _identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
        _identifier.set_languages(list(EUROPEAN_LANGUAGES))
    return _identifier.classify(_LINK.sub("]", text[:30000]))[0]


_identifier = None


def changed_lines(old: str, new: str) -> tuple[list[str], list[str]]:
    """(lines only in old, lines only in new), whitespace ignored."""
    old_lines = {" ".join(line.split()) for line in old.splitlines()}
    new_lines = {" ".join(line.split()) for line in new.splitlines()}
    return sorted(old_lines - new_lines), sorted(new_lines - old_lines)


def changed_words(old: str, new: str) -> int:
    """Words inserted plus words deleted between two texts (a word diff, whitespace ignored)."""
    vocabulary: dict[str, str] = {}

    def code(word: str) -> str:
        if word not in vocabulary:
            n = 0x100 + len(vocabulary)
            vocabulary[word] = chr(n + 0x800 if n >= 0xD800 else n)  # never a surrogate
        return vocabulary[word]

    def encode(text: str) -> str:
        return "".join(code(w) for w in _WORD.findall(text))

    a, b = encode(old), encode(new)
    dmp = diff_match_patch()
    dmp.Diff_Timeout = 5
    return sum(len(chunk) for op, chunk in dmp.diff_main(a, b, False) if op)
