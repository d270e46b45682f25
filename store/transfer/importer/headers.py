"""The columns of a file: which field each header means, and what `--map` says.

Forgiving about how people name a column ("Employer", "Interview-Date ", "Recruiter E-mail",
"Firma"): an exact synonym beats a word found inside a longer header, and an earlier synonym
beats a later one, so two columns that claim one field are settled the same way every time.
Must never guess a field for a header none of these words name: that column is ignored (and
said so), never read into some field.
"""

from __future__ import annotations

from collections.abc import Iterable

from store.cards.model import FIELDS
from store.cards.stages import compact
from store.errors import BadValue

# Fields a file may set. `id` only matches an existing card (our own CSV export carries it).
IMPORT_FIELDS: tuple[str, ...] = (
    "id",
    "company",
    "role",
    "stage",
    "outcome",
    "round",
    "interviewed_at",
    "interviewers",
    "contact_email",
    "promised_by",
    "links",
    "tags",
    "key_points",
    "questions",
    "notes",
    "learned",
)
IGNORE = "ignore"


# Earlier synonyms are stronger: when two columns claim a field, the stronger one wins.
HEADER_SYNONYMS: dict[str, tuple[str, ...]] = {
    "id": ("id", "cardid"),
    "company": (
        "company",
        "companyname",
        "employer",
        "employername",
        "organisation",
        "organization",
        "organisationname",
        "organizationname",
        "org",
        "firm",
        "business",
        "hiringcompany",
        "client",
        # what spreadsheets in other languages call it
        "firma",
        "unternehmen",
        "entreprise",
        "societe",
        "empresa",
    ),
    "role": (
        "role",
        "position",
        "jobtitle",
        "title",
        "job",
        "positiontitle",
        "roletitle",
        "jobrole",
        "rolename",
        "positionname",
        "jobposition",
        "opening",
        "vacancy",
        "stelle",
        "poste",
        "puesto",
    ),
    "stage": (
        "stage",
        "status",
        "applicationstatus",
        "currentstage",
        "pipelinestage",
        "state",
        "progress",
        "step",
        "statut",
        "estado",
    ),
    "outcome": ("outcome", "result", "decision", "finalresult", "finaloutcome", "verdict"),
    "interviewed_at": (
        "interviewedat",
        "interviewdate",
        "interviewed",
        "interviewedon",
        "dateinterviewed",
        "dateofinterview",
        "interviewdatetime",
        "interviewday",
        "interviewon",
        "interview",
        "interviewtime",
        "date",
        "when",
        "interviewdatum",
        "datum",
        "fecha",
    ),
    "interviewers": (
        "interviewers",
        "interviewer",
        "interviewedby",
        "contact",
        "contacts",
        "contactname",
        "contactperson",
        "recruiter",
        "recruitername",
        "hiringmanager",
        "people",
        "person",
        "panel",
        "kontakt",
        "ansprechpartner",
        "contacto",
    ),
    "contact_email": (
        "contactemail",
        "email",
        "emailaddress",
        "mail",
        "recruiteremail",
        "intervieweremail",
        "contactmail",
    ),
    "promised_by": (
        "promisedby",
        "promised",
        "promiseddate",
        "answerpromised",
        "decisiondate",
        "decisionby",
        "answerby",
        "answerdate",
        "expectedanswer",
        "expectedby",
        "expecteddecision",
        "expectedresponse",
        "responseby",
        "replyby",
        "hearbackby",
    ),
    "round": ("round", "interviewround", "roundnumber", "roundno"),
    "links": (
        "links",
        "link",
        "url",
        "urls",
        "joblink",
        "joburl",
        "posting",
        "jobposting",
        "postingurl",
        "listing",
        "website",
        "advert",
    ),
    "tags": ("tags", "tag", "labels", "label", "categories", "category", "keywords"),
    "key_points": (
        "keypoints",
        "keypoint",
        "highlights",
        "talkingpoints",
        "points",
        "topics",
        "discussed",
    ),
    "questions": ("questions", "questionsasked", "question", "theyasked"),
    "notes": (
        "notes",
        "note",
        "comments",
        "comment",
        "remarks",
        "description",
        "details",
        "memo",
        "notizen",
        "bemerkungen",
        "notas",
    ),
    "learned": ("learned", "learnt", "lessons", "lessonslearned", "takeaways", "feedback"),
}
# Words inside a longer header ("Recruiter E-mail", "Company (legal name)"), tried in order.
_HEADER_WORDS: tuple[tuple[str, str], ...] = (
    ("email", "contact_email"),
    ("promis", "promised_by"),
    ("decisiondate", "promised_by"),
    ("interviewer", "interviewers"),
    ("recruiter", "interviewers"),
    ("company", "company"),
    ("employer", "company"),
    ("organi", "company"),
    ("jobtitle", "role"),
    ("position", "role"),
    ("note", "notes"),
    ("comment", "notes"),
    ("question", "questions"),
    ("status", "stage"),
    ("stage", "stage"),
    ("outcome", "outcome"),
    ("result", "outcome"),
    ("interviewdate", "interviewed_at"),
    ("dateofinterview", "interviewed_at"),
    ("interviewedon", "interviewed_at"),
    ("url", "links"),
    ("link", "links"),
    ("tag", "tags"),
    ("label", "tags"),
    ("role", "role"),
)
_EXACT: dict[str, tuple[str, int]] = {
    syn: (name, rank) for name, syns in HEADER_SYNONYMS.items() for rank, syn in enumerate(syns)
}
_WORD_RANK = 1000  # any exact synonym beats a word found inside a header


def field_for_header(header: str) -> tuple[str, int] | None:
    """The field a column header means and how sure that is (lower is surer), or None."""
    key = compact(header)
    if not key:
        return None
    if key in _EXACT:
        return _EXACT[key]
    for name in FIELDS | {"id"}:
        if key == compact(name):
            return name, 0
    for word, name in _HEADER_WORDS:
        if word in key:
            return name, _WORD_RANK
    return None


def field_for_map_target(target: str) -> str:
    """What `--map "COLUMN=field"` names: a field (by any of its names) or `ignore`."""
    key = compact(target)
    if key in ("", "ignore", "skip", "none", "no"):
        return IGNORE
    for name in IMPORT_FIELDS:
        if key == compact(name):
            return name
    if key in _EXACT:
        return _EXACT[key][0]
    raise BadValue(
        f"--map: unknown field {target!r}; fields are: {', '.join(IMPORT_FIELDS)} (or ignore)."
    )


def parse_mapping(specs: Iterable[str]) -> dict[str, str]:
    """`["Boss=interviewers", "Salary=ignore"]` → {compact column: field}."""
    mapping: dict[str, str] = {}
    for spec in specs:
        column, sep, target = spec.partition("=")
        if not sep or not column.strip():
            raise BadValue(f'--map {spec!r}: write it as "COLUMN=field", e.g. "Boss=interviewers".')
        mapping[compact(column)] = field_for_map_target(target)
    return mapping
