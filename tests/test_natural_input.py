"""Lines as students really type them, each with what it means or the specific refusal.

The corpus is run here through the core (`App.handle_line`) and, by the tests beside each
adapter (tests/adapters/*/test_natural_input.py), through the console's input loop, a signed
Slack `/study` command and a Discord slash-command payload. Everywhere, the core must receive
the same meaning: a spy on `App.handle` records what each adapter handed over.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, replace
from datetime import date, time
from typing import Any

from bot.app import Actor, App
from bot.commands import NO_FILES, Command, DayRef, FileSource, Reply, validate
from tests.helpers import actor


@dataclass(frozen=True)
class Means:
    """The line runs `command` with exactly these typed values (`fixed` aside)."""

    command: str
    values: Mapping[str, Any]


@dataclass(frozen=True)
class Refused:
    """The line is refused with a reply that says this."""

    says: str


@dataclass(frozen=True)
class Says:
    """The line runs and the reply says this."""

    says: str


Expected = Means | Refused | Says

CASES: list[tuple[str, Expected]] = [
    (
        "/checkin skills: sql minutes: 45 finished the joins chapter",
        Means("checkin", {"did": "finished the joins chapter", "skills": ("sql",), "minutes": 45}),
    ),
    (
        "/checkin finished the joins chapter skills: sql minutes: 45",
        Means("checkin", {"did": "finished the joins chapter", "skills": ("sql",), "minutes": 45}),
    ),
    (
        "/CHECKIN did:worked on docker skills:Docker, Kubernetes",
        Means("checkin", {"did": "worked on docker", "skills": ("docker", "kubernetes")}),
    ),
    (
        "checkin did : wrote a Dockerfile  minutes : 30",
        Means("checkin", {"did": "wrote a Dockerfile", "minutes": 30}),
    ),
    (
        '/checkin did:"read about git rebase" skills:git mins:20',
        Means("checkin", {"did": "read about git rebase", "skills": ("git",), "minutes": 20}),
    ),
    (
        "/checkin did:practised pandas time:45",
        Means("checkin", {"did": "practised pandas", "minutes": 45}),
    ),
    ("/checkin did:stuff minutes:45min", Means("checkin", {"did": "stuff", "minutes": 45})),
    (
        "/checkin did:flask routes minutes:1h",
        Means("checkin", {"did": "flask routes", "minutes": 60}),
    ),
    (
        "/checkin did:flask routes minutes:1h30",
        Means("checkin", {"did": "flask routes", "minutes": 90}),
    ),
    (
        "/checkin did:flask routes minutes:1.5h",
        Means("checkin", {"did": "flask routes", "minutes": 90}),
    ),
    (
        "/checkin did:flask routes minutes: 90 minutes",
        Means("checkin", {"did": "flask routes", "minutes": 90}),
    ),
    ("/checkin did:flask routes min:25", Means("checkin", {"did": "flask routes", "minutes": 25})),
    (
        "/checkin did:flask routes minute:25",
        Means("checkin", {"did": "flask routes", "minutes": 25}),
    ),
    ("/checkin did:stuff day:mon", Means("checkin", {"did": "stuff", "day": DayRef(weekday=0)})),
    ("/checkin did:stuff day:Wed", Means("checkin", {"did": "stuff", "day": DayRef(weekday=2)})),
    ("/checkin did:stuff day:yesterday", Means("checkin", {"did": "stuff", "day": DayRef(back=1)})),
    ("/checkin did:stuff day:Yesterday", Means("checkin", {"did": "stuff", "day": DayRef(back=1)})),
    (
        "/checkin did:stuff day:2026-03-01",
        Means("checkin", {"did": "stuff", "day": DayRef(on=date(2026, 3, 1))}),
    ),
    ("/checkin did:stuff date:today", Means("checkin", {"did": "stuff", "day": DayRef(back=0)})),
    ("/checkin did:stuff on:sun", Means("checkin", {"did": "stuff", "day": DayRef(weekday=6)})),
    ("/checkin did:stuff blockers:none", Means("checkin", {"did": "stuff", "blockers": "none"})),
    ("/checkin did:stuff blockers:N/A", Means("checkin", {"did": "stuff", "blockers": "N/A"})),
    (
        "/checkin did:stuff blocker: can't get FastAPI to read env vars skills:fastapi",
        Means(
            "checkin",
            {
                "did": "stuff",
                "blockers": "can't get FastAPI to read env vars",
                "skills": ("fastapi",),
            },
        ),
    ),
    (
        "/checkin did:stuff stuck:docker networking is confusing",
        Means("checkin", {"did": "stuff", "blockers": "docker networking is confusing"}),
    ),
    (
        "/checkin did:x next:deploy to render",
        Means("checkin", {"did": "x", "next": "deploy to render"}),
    ),
    ("/checkin did:x todo:write tests", Means("checkin", {"did": "x", "next": "write tests"})),
    (
        "/checkin 🐳 docker compose up finally works skills:docker compose",
        Means("checkin", {"did": "🐳 docker compose up finally works", "skills": ("docker",)}),
    ),
    (
        "/checkin did:aprendí SQL skills:sql minutes:30",
        Means("checkin", {"did": "aprendí SQL", "skills": ("sql",), "minutes": 30}),
    ),
    (
        "/checkin did:学习了Git skills:git",
        Means("checkin", {"did": "学习了Git", "skills": ("git",)}),
    ),
    (
        "/checkin did:Lernte Docker-Netzwerke skills:docker",
        Means("checkin", {"did": "Lernte Docker-Netzwerke", "skills": ("docker",)}),
    ),
    (
        "/checkin did:изучал SQL skills:sql",
        Means("checkin", {"did": "изучал SQL", "skills": ("sql",)}),
    ),
    (
        "/checkin   did:stray   spaces   skills:  sql ,  git",
        Means("checkin", {"did": "stray spaces", "skills": ("sql", "git")}),
    ),
    (
        "/checkin did:x skills:machine learning",
        Means("checkin", {"did": "x", "skills": ("machine-learning",)}),
    ),
    (
        '/checkin did:x skills:"docker compose"',
        Means("checkin", {"did": "x", "skills": ("docker",)}),
    ),
    ("/checkin did:x skills:k8s", Means("checkin", {"did": "x", "skills": ("kubernetes",)})),
    ("/checkin did:x skills:postgres", Means("checkin", {"did": "x", "skills": ("sql",)})),
    ("/checkin did:x skills:PostgreSQL", Means("checkin", {"did": "x", "skills": ("sql",)})),
    (
        "/checkin did:x skills:SQL,Git,Docker",
        Means("checkin", {"did": "x", "skills": ("sql", "git", "docker")}),
    ),
    (
        "/checkin did:x skills:sql git docker",
        Means("checkin", {"did": "x", "skills": ("sql", "git", "docker")}),
    ),
    (
        "/checkin did:x skills:ML, DL",
        Means("checkin", {"did": "x", "skills": ("machine-learning", "deep-learning")}),
    ),
    (
        "/checkin did:x skills:scikit-learn",
        Means("checkin", {"did": "x", "skills": ("machine-learning",)}),
    ),
    ("/checkin did:x skills:github actions", Means("checkin", {"did": "x", "skills": ("ci-cd",)})),
    ("/checkin did:x skills:rest api", Means("checkin", {"did": "x", "skills": ("rest-apis",)})),
    ("/checkin did:x skill:aws", Means("checkin", {"did": "x", "skills": ("aws",)})),
    ("/checkin did:x tags:python", Means("checkin", {"did": "x", "skills": ("python",)})),
    (
        "/checkin skills:sql docker was fun today",
        Means("checkin", {"did": "was fun today", "skills": ("sql", "docker")}),
    ),
    (
        "/checkin did:x minutes:45 skills:sql",
        Means("checkin", {"did": "x", "skills": ("sql",), "minutes": 45}),
    ),
    (
        '/checkin did:"Note: pasted from my notes, with commas, colons: and more" skills:python',
        Means(
            "checkin",
            {
                "did": "Note: pasted from my notes, with commas, colons: and more",
                "skills": ("python",),
            },
        ),
    ),
    (
        "/checkin did:read https://docs.docker.com/compose/ skills:docker",
        Means("checkin", {"did": "read https://docs.docker.com/compose/", "skills": ("docker",)}),
    ),
    (
        "/checkin did:Did leetcode 🔥🔥 skills:dsa minutes:60",
        Means("checkin", {"did": "Did leetcode 🔥🔥", "skills": ("dsa",), "minutes": 60}),
    ),
    ("/checkin did:x skills:LeetCode", Means("checkin", {"did": "x", "skills": ("dsa",)})),
    (
        "/checkin finished chapter 3 of the SQL book",
        Means("checkin", {"did": "finished chapter 3 of the SQL book"}),
    ),
    ("/checkin yesterday: did sql joins", Says("yesterday")),
    ("/checkin edit", Means("checkin edit", {})),
    (
        "/checkin edit day:yesterday minutes:50",
        Means("checkin edit", {"minutes": 50, "day": DayRef(back=1)}),
    ),
    ("/checkin edit minutes:50", Means("checkin edit", {"minutes": 50})),
    ("/checkin edit did:better text", Means("checkin edit", {"did": "better text"})),
    ("/checkin edit skills:sql, git", Means("checkin edit", {"skills": ("sql", "git")})),
    ("/checkin delete", Means("checkin delete", {})),
    ("/checkin delete day:yesterday", Means("checkin delete", {"day": DayRef(back=1)})),
    (
        "/checkin delete day:yesterday confirm:yes",
        Means("checkin delete", {"day": DayRef(back=1), "confirm": True}),
    ),
    ("/checkin delete confirm:no", Means("checkin delete", {"confirm": False})),
    ("/checkin solved", Means("checkin solved", {})),
    ("/checkin solved blocker:3", Means("checkin solved", {"blocker": 3})),
    ("/checkin remind time:7pm", Means("checkin remind", {"time": "7pm"})),
    ("/checkin remind at:19:30", Means("checkin remind", {"time": "19:30"})),
    ("/checkin remind off", Means("checkin remind", {"time": "off"})),
    ("/checkin remind 8am", Means("checkin remind", {"time": "8am"})),
    ("/profile set timezone:berlin", Means("profile set", {"timezone": "Europe/Berlin"})),
    ("/profile set timezone:Berlin", Means("profile set", {"timezone": "Europe/Berlin"})),
    ("/profile set timezone:BERLIN", Means("profile set", {"timezone": "Europe/Berlin"})),
    ("/profile set timezone:europe/berlin", Means("profile set", {"timezone": "Europe/Berlin"})),
    ("/profile set timezone:Europe/Berlin", Means("profile set", {"timezone": "Europe/Berlin"})),
    ("/profile set timezone:new york", Means("profile set", {"timezone": "America/New_York"})),
    ("/profile set timezone:New York", Means("profile set", {"timezone": "America/New_York"})),
    ("/profile set timezone:sao paulo", Means("profile set", {"timezone": "America/Sao_Paulo"})),
    ("/profile set timezone:São Paulo", Means("profile set", {"timezone": "America/Sao_Paulo"})),
    ("/profile set timezone:tokyo", Means("profile set", {"timezone": "Asia/Tokyo"})),
    (
        "/profile set timezone:rio de janeiro",
        Means("profile set", {"timezone": "America/Sao_Paulo"}),
    ),
    (
        "/profile set timezone:los angeles hours:9am-5pm",
        Means(
            "profile set", {"timezone": "America/Los_Angeles", "hours": (time(9, 0), time(17, 0))}
        ),
    ),
    ("/profile set timezone:kuala lumpur", Means("profile set", {"timezone": "Asia/Kuala_Lumpur"})),
    ("/profile set timezone:hong kong", Means("profile set", {"timezone": "Asia/Hong_Kong"})),
    (
        "/profile set timezone:mexico city",
        Means("profile set", {"timezone": "America/Mexico_City"}),
    ),
    ("/profile set timezone:mumbai", Means("profile set", {"timezone": "Asia/Kolkata"})),
    ("/profile set timezone:bangalore", Means("profile set", {"timezone": "Asia/Kolkata"})),
    ("/profile set timezone:lagos", Means("profile set", {"timezone": "Africa/Lagos"})),
    ("/profile set timezone:nairobi", Means("profile set", {"timezone": "Africa/Nairobi"})),
    ("/profile set timezone:UTC", Means("profile set", {"timezone": "UTC"})),
    ("/profile set timezone:utc", Means("profile set", {"timezone": "UTC"})),
    ("/profile set timezone:UTC+2 fixed:yes", Means("profile set", {"timezone": "Etc/GMT-2"})),
    ("/profile set timezone:GMT+1 fixed:yes", Means("profile set", {"timezone": "Etc/GMT-1"})),
    ("/profile set timezone:UTC-3 fixed:yes", Means("profile set", {"timezone": "Etc/GMT+3"})),
    (
        "/profile set timezone:+05:30 fixed:yes",
        Refused("'+05:30' is UTC+5:30, and no zone keeps an offset that is no"),
    ),
    ("/profile set timezone:Asia/Calcutta", Means("profile set", {"timezone": "Asia/Kolkata"})),
    (
        "/profile set learning:Docker, Kubernetes hours:6pm-9pm timezone:tokyo",
        Means(
            "profile set",
            {
                "timezone": "Asia/Tokyo",
                "learning": ("docker", "kubernetes"),
                "hours": (time(18, 0), time(21, 0)),
            },
        ),
    ),
    (
        "/profile set learning:machine learning",
        Means("profile set", {"learning": ("machine-learning",)}),
    ),
    (
        "/profile set learning:sql, docker compose",
        Means("profile set", {"learning": ("sql", "docker")}),
    ),
    ("/profile set knows:python, pandas", Means("profile set", {"knows": ("python", "pandas")})),
    (
        "/profile set knows:Python,Pandas,SQL",
        Means("profile set", {"knows": ("python", "pandas", "sql")}),
    ),
    (
        "/profile set hours:18:00 - 21:00",
        Means("profile set", {"hours": (time(18, 0), time(21, 0))}),
    ),
    ("/profile set hours:18:00-21:00", Means("profile set", {"hours": (time(18, 0), time(21, 0))})),
    ("/profile set hours:18-21", Means("profile set", {"hours": (time(18, 0), time(21, 0))})),
    ("/profile set hours:6pm-9pm", Means("profile set", {"hours": (time(18, 0), time(21, 0))})),
    ("/profile set hours:6 pm - 9 pm", Means("profile set", {"hours": (time(18, 0), time(21, 0))})),
    (
        "/profile set hours:18:00 to 21:00",
        Means("profile set", {"hours": (time(18, 0), time(21, 0))}),
    ),
    ("/profile set hours:6pm to 9pm", Means("profile set", {"hours": (time(18, 0), time(21, 0))})),
    ("/profile set hours:7pm-9:30pm", Means("profile set", {"hours": (time(19, 0), time(21, 30))})),
    ("/profile set hours:22:00-01:00", Means("profile set", {"hours": (time(22, 0), time(1, 0))})),
    ("/profile set hours:9am-5pm", Means("profile set", {"hours": (time(9, 0), time(17, 0))})),
    ("/profile set level:Beginner", Means("profile set", {"level": "beginner"})),
    ("/profile set level:beg", Means("profile set", {"level": "beginner"})),
    ("/profile set level:INTERMEDIATE", Means("profile set", {"level": "intermediate"})),
    ("/profile set level:adv", Means("profile set", {"level": "advanced"})),
    ("/profile set goal:Internship", Means("profile set", {"goal": "internship"})),
    ("/profile set goal:intern", Means("profile set", {"goal": "internship"})),
    ("/profile set goal:first job", Means("profile set", {"goal": "first-job"})),
    ("/profile set goal:career switch", Means("profile set", {"goal": "career-switch"})),
    (
        '/profile set about:"3rd year CS, into ML"',
        Means("profile set", {"about": "3rd year CS, into ML"}),
    ),
    (
        "/profile set goal:internship level:beginner learning:sql, git hours:7pm-10pm timezone:berlin",
        Means(
            "profile set",
            {
                "timezone": "Europe/Berlin",
                "goal": "internship",
                "level": "beginner",
                "learning": ("sql", "git"),
                "hours": (time(19, 0), time(22, 0)),
            },
        ),
    ),
    (
        "/admin buddies day:Wed time:7pm",
        Means("admin buddies", {"day": "wednesday", "time": time(19, 0)}),
    ),
    ("/admin buddies time:7:30 PM", Means("admin buddies", {"time": time(19, 30)})),
    ("/admin buddies time:19.00", Means("admin buddies", {"time": time(19, 0)})),
    ("/admin buddies time:1900", Means("admin buddies", {"time": time(19, 0)})),
    ("/admin buddies time:7 pm", Means("admin buddies", {"time": time(19, 0)})),
    (
        "/admin buddies time:7pm every:2 weeks",
        Means("admin buddies", {"time": time(19, 0), "every": 2}),
    ),
    ("/admin buddies size:3", Means("admin buddies", {"size": 3})),
    (
        "/admin digest day:fri time:17:00",
        Means("admin digest", {"day": "friday", "time": time(17, 0)}),
    ),
    (
        "/admin digest day:FRIDAY time:5pm",
        Means("admin digest", {"day": "friday", "time": time(17, 0)}),
    ),
    ("/admin timezone berlin", Means("admin timezone", {"timezone": "Europe/Berlin"})),
    ("/admin timezone Europe/London", Means("admin timezone", {"timezone": "Europe/London"})),
    ("/admin checkins backfill:3", Means("admin checkins", {"backfill": 3})),
    ("/admin checkins backfill:2 days", Means("admin checkins", {"backfill": 2})),
    ("/admin checkins freezes:2", Means("admin checkins", {"freezes": 2})),
    ("/buddy met answer:Yes", Means("buddy met", {"answer": "yes"})),
    ("/buddy met yes", Means("buddy met", {"answer": "yes"})),
    ("/buddy met y", Means("buddy met", {"answer": "yes"})),
    ("/buddy met NO", Means("buddy met", {"answer": "no"})),
    ("/buddy share checkins:on", Means("buddy share", {"checkins": True})),
    ("/buddy share checkins:off", Means("buddy share", {"checkins": False})),
    ("/buddy share checkins:true", Means("buddy share", {"checkins": True})),
    ("/buddy share checkins:Yes", Means("buddy share", {"checkins": True})),
    ("/buddy pause weeks:2", Means("buddy pause", {"weeks": 2})),
    ("/buddy pause 2 weeks", Means("buddy pause", {"weeks": 2})),
    ("/buddy pause 3wks", Means("buddy pause", {"weeks": 3})),
    ("/buddy join", Means("buddy join", {})),
    ("/buddy status", Means("buddy status", {})),
    ("/stats week:last", Means("stats", {"week": "last"})),
    ("/stats week:Last", Means("stats", {"week": "last"})),
    ("/stats last week", Means("stats", {"week": "last"})),
    ("/stats this week", Means("stats", {"week": "this"})),
    ("/digest helper OFF", Means("digest helper", {"state": "off"})),
    ("/digest helper on", Means("digest helper", {"state": "on"})),
    ("/privacy export", Means("privacy export", {})),
    ("/help checkin", Means("help", {"command": "checkin"})),
    ("/help", Means("help", {})),
    ("/streak", Means("streak", {})),
    ("/skills", Means("skills", {})),
    ("/checkin worked on sql skils:sql", Refused("Unknown option 'skils'")),
    ("/checkin did:api work minuts:40", Refused("Unknown option 'minuts'")),
    (
        "/checkin did:x next:deploy todo:tests",
        Refused("Option next is given twice (todo is another name for it): gi"),
    ),
    (
        "/checkin did:stuff minutes:forty",
        Refused("minutes must be a whole number, like 45, 45min or 1h30, not "),
    ),
    ("/checkin did:stuff minutes:0", Refused("minutes must be between 1 and 720, not 0.")),
    ("/checkin did:stuff minutes:2000", Refused("minutes must be between 1 and 720, not 2000.")),
    (
        "/checkin did:stuff minutes:0.5",
        Refused("minutes must be a whole number, like 45, 45min or 1h30, not "),
    ),
    (
        "/checkin did:stuff day:tomorrow",
        Refused("day 'tomorrow' is not a day; use today, yesterday, a weekday"),
    ),
    (
        "/checkin did:stuff day:someday",
        Refused("day 'someday' is not a day; use today, yesterday, a weekday "),
    ),
    (
        "/checkin did:x skills:basketweaving",
        Refused("Unknown skill 'basketweaving'. See /skills for the list."),
    ),
    ("/checkin did:x skills:sqll", Refused("Unknown skill 'sqll'. Did you mean sql?")),
    ("/checkin undo", Refused("Nothing was saved: 'undo' is not a check-in")),
    ("/checkin edit this", Refused("/checkin edit takes no free text (got 'this').")),
    (
        "/profile set timezone:CET",
        Refused("'CET' is not a place: pick the city zone you live in, which "),
    ),
    (
        "/profile set timezone:EST",
        Refused("'EST' is not a place: pick the city zone you live in, which "),
    ),
    (
        "/profile set timezone:IST",
        Refused("'IST' is not a place: pick the city zone you live in: Asia/K"),
    ),
    (
        "/profile set timezone:PST",
        Refused("'PST' is not a place: pick the city zone you live in, which "),
    ),
    (
        "/profile set timezone:UTC+2",
        Refused("'UTC+2' is an offset, not a place, and most places change th"),
    ),
    (
        "/profile set timezone:GMT+1",
        Refused("'GMT+1' is an offset, not a place, and most places change th"),
    ),
    (
        "/profile set timezone:+05:30",
        Refused("'+05:30' is an offset, not a place, and most places change t"),
    ),
    (
        "/profile set timezone:UTC-3",
        Refused("'UTC-3' is an offset, not a place, and most places change th"),
    ),
    (
        "/profile set timezone:Mars/Olympus",
        Refused("Unknown time zone 'Mars/Olympus'. Use a city like Berlin, or"),
    ),
    (
        "/profile set timezone:springfield",
        Refused("Unknown time zone 'springfield'. Use a city like Berlin, or "),
    ),
    (
        "/profile set timezone:portland",
        Refused("'portland' is a city in more than one time zone. Pick yours:"),
    ),
    ("/profile set hours:7pm-7pm", Refused("A study window needs a start and an end that differ.")),
    (
        "/profile set hours:7-9",
        Refused("hours '7-9' has no am or pm. Did you mean 07:00-09:00 or 19:"),
    ),
    (
        "/profile set hours:25:00-26:00",
        Refused("hours '25:00-26:00' is not a time range: '25:00' is not a ti"),
    ),
    (
        "/profile set level:expert",
        Refused("level must be one of beginner, intermediate, advanced."),
    ),
    (
        "/profile set goal:fun",
        Refused("goal must be one of internship, first-job, career-switch, po"),
    ),
    ("/profile set nonsense:1", Refused("Unknown option 'nonsense'")),
    ("/profile set tzone:berlin", Refused("Unknown option 'tzone'")),
    ("/buddy share checkins:nah", Refused("checkins must be yes or no, not 'nah'.")),
    ("/buddy met maybe", Refused("answer must be one of yes, no. Did you mean yes?")),
    ("/buddy pause weeks:two", Refused("weeks must be a whole number, not 'two'.")),
    ("/admin checkins freezes:two", Refused("freezes must be a whole number, not 'two'.")),
    (
        "/admin buddies day:funday",
        Refused("day must be one of monday, tuesday, wednesday, thursday, fri"),
    ),
    ("/admin buddies time:25:00", Refused("time '25:00' is not a time; use 19:00 or 7pm.")),
    ("/hlep", Refused("Unknown command 'hlep'. Did you mean /help?")),
    ("/chekin did:x", Refused("Unknown command 'chekin'. Did you mean /checkin?")),
    (
        "/profile sett timezone:berlin",
        Refused("Unknown command 'profile sett'. Did you mean /profile set?"),
    ),
    (
        "/profile set goal:career switch level:beg",
        Means("profile set", {"goal": "career-switch", "level": "beginner"}),
    ),
    ("/profile set tz:berlin", Means("profile set", {"timezone": "Europe/Berlin"})),
    ("/profile set zone:tokyo", Means("profile set", {"timezone": "Asia/Tokyo"})),
    ("/profile set learn:docker", Means("profile set", {"learning": ("docker",)})),
    ("/profile set know:sql", Means("profile set", {"knows": ("sql",)})),
    (
        "/profile set availability:7pm-10pm",
        Means("profile set", {"hours": (time(19, 0), time(22, 0))}),
    ),
    ("/profile set lvl:intermediate", Means("profile set", {"level": "intermediate"})),
    ("/buddy jion", Refused("Unknown command 'buddy jion'. Did you mean /buddy join?")),
    ("/profile", Refused("/profile needs one more word: /profile set or /profile show.")),
    ("/skills k8s", Means("skills", {"skill": "k8s"})),
    ("/checkin did:x skills:dokcer", Refused("Unknown skill 'dokcer'. Did you mean docker?")),
    (
        "/checkin did:x skills:kubernets",
        Refused("Unknown skill 'kubernets'. Did you mean kubernetes?"),
    ),
    ("/checkin did:x skills:pyhton", Refused("Unknown skill 'pyhton'. Did you mean python?")),
    ("/checkin did:x skills:fast api", Means("checkin", {"did": "x", "skills": ("fastapi",)})),
    (
        "/checkin did:x skills:javascrpt",
        Refused("Unknown skill 'javascrpt'. Did you mean frontend?"),
    ),
]

CRASHED = "something went wrong"
_COMMAND_SLASH = re.compile(r"(?<![\w/])/(?=[a-z])")  # "/help", not "N/A" or "Mars/Olympus"

Handled = list[tuple[Command, dict[str, str]]]


def spy_on(app: App) -> Handled:
    """Record what reaches `App.handle` (every adapter's typed lines and options end there)."""
    calls: Handled = []
    real = app.handle

    async def handle(
        actor: Actor,
        command: Command,
        raw: Mapping[str, str],
        prefix: str = "/",
        files: FileSource = NO_FILES,
    ) -> Reply:
        calls.append((command, dict(raw)))
        return await real(actor, command, raw, prefix, files)

    app.handle = handle  # type: ignore[method-assign]
    return calls


def problem(
    app: App, line: str, expected: Expected, calls: Handled, reply: str, prefix: str = "/"
) -> str | None:
    """What is wrong with how `line` was understood, or None. Replies name commands with the
    adapter's `prefix` ("/study " on Slack)."""
    if CRASHED in reply:
        return f"{line!r} crashed: {reply[:200]!r}"
    if isinstance(expected, Means):
        if not calls:
            return f"{line!r} reached no command: {reply[:200]!r}"
        command, raw = calls[-1]
        values = validate(command, raw, replace(app.convert_context, now=app.clock.now()))
        values.pop("fixed", None)
        if command.name != expected.command or values != dict(expected.values):
            return f"{line!r} meant /{command.name} {values}, not {expected}"
        return None
    says = _COMMAND_SLASH.sub(prefix, expected.says)
    if says not in reply:
        return f"{line!r} answered {reply[:300]!r}, without {says!r}"
    return None


async def understood(
    app: App,
    cases: list[tuple[str, Expected]],
    send: Callable[[str], Awaitable[str | None]],
    prefix: str = "/",
) -> list[str]:
    """Every problem with the corpus as `send` types it (None: this adapter cannot send it)."""
    calls = spy_on(app)
    problems: list[str] = []
    for line, expected in cases:
        calls.clear()
        reply = await send(line)
        if reply is not None:
            found = problem(app, line, expected, calls, reply, prefix)
            if found:
                problems.append(found)
    return problems


def test_the_corpus_is_large_and_has_refusals() -> None:
    assert len(CASES) >= 150
    assert sum(isinstance(e, Refused) for _, e in CASES) >= 40
    assert len({line for line, _ in CASES}) == len(CASES), "a line is listed twice"


async def test_the_core_understands_the_corpus(app: App) -> None:
    async def send(line: str) -> str:
        admin = line.lstrip("/").lower().startswith("admin")
        reply = await app.handle_line(actor("alice", admin=admin), line)
        return reply.text

    problems = await understood(app, CASES, send)
    assert not problems, "\n".join(problems)
