"""What the generated workspaces are made of: a small software company and how its people chat.

Channel names, job titles and message templates are written by hand so a demo reads like a real
workspace; ``workspace.py`` draws from them with the seeded RNG. Placeholders in braces are filled
by ``fill``: ``{mention}`` becomes ``@username`` of another member of the channel.
"""

from __future__ import annotations

import random
import string

FIRST_NAMES = (
    "Aisha",
    "Alex",
    "Amara",
    "Ana",
    "Ben",
    "Carlos",
    "Chen",
    "Chloe",
    "Daniel",
    "Dmitri",
    "Elena",
    "Emma",
    "Fatima",
    "Felix",
    "Grace",
    "Hana",
    "Hugo",
    "Ines",
    "Isaac",
    "Jamal",
    "Jonas",
    "Julia",
    "Kai",
    "Kenji",
    "Laura",
    "Leo",
    "Lina",
    "Lucas",
    "Maya",
    "Mei",
    "Marco",
    "Nadia",
    "Noah",
    "Olga",
    "Omar",
    "Priya",
    "Rafael",
    "Ravi",
    "Rosa",
    "Sam",
    "Sara",
    "Sofia",
    "Tariq",
    "Tom",
    "Valentina",
    "Wei",
    "Yara",
    "Yusuf",
    "Zoe",
    "Zanele",
)
LAST_NAMES = (
    "Adams",
    "Almeida",
    "Bakker",
    "Becker",
    "Chen",
    "Costa",
    "Dubois",
    "Evans",
    "Fischer",
    "Garcia",
    "Haddad",
    "Hansen",
    "Ito",
    "Jensen",
    "Kaur",
    "Kim",
    "Kowalski",
    "Larsen",
    "Lopez",
    "Martin",
    "Meyer",
    "Morales",
    "Nakamura",
    "Nguyen",
    "Novak",
    "Okafor",
    "Olsen",
    "Patel",
    "Petrov",
    "Quinn",
    "Rossi",
    "Santos",
    "Schmidt",
    "Silva",
    "Singh",
    "Suzuki",
    "Tanaka",
    "Torres",
    "Wagner",
    "Walsh",
    "Wang",
    "Weber",
    "Williams",
    "Yilmaz",
    "Zhang",
)
TITLES = (
    "Backend Engineer",
    "Senior Backend Engineer",
    "Frontend Engineer",
    "Staff Engineer",
    "Site Reliability Engineer",
    "Engineering Manager",
    "Product Manager",
    "Product Designer",
    "UX Researcher",
    "Data Engineer",
    "QA Engineer",
    "Mobile Engineer",
    "Security Engineer",
    "Technical Writer",
    "Support Engineer",
    "Customer Success Manager",
    "Head of Support",
    "Marketing Lead",
    "Recruiter",
    "Office Manager",
)
# Zone and its UTC offset in hours at the seed epoch (January), for products that store offsets.
UTC_OFFSETS = {
    "America/New_York": -5,
    "America/Chicago": -6,
    "America/Los_Angeles": -8,
    "America/Sao_Paulo": -3,
    "Europe/London": 0,
    "Europe/Berlin": 1,
    "Europe/Paris": 1,
    "Europe/Madrid": 1,
    "Europe/Warsaw": 1,
    "Asia/Kolkata": 5.5,
    "Asia/Singapore": 8,
    "Australia/Sydney": 11,
}
TIMEZONES = tuple(UTC_OFFSETS)
# Weighted: a working day has most people around, a few away or in focus mode.
STATUSES = ("online",) * 5 + ("away",) * 2 + ("dnd",) + ("offline",) * 3

TEAMS = (
    ("platform", "Platform", "Infrastructure, tooling and the on-call rota"),
    ("customer-success", "Customer Success", "Support, onboarding and customer feedback"),
    ("growth", "Growth", "Marketing, sales and the website"),
    ("research", "Research", "Experiments and prototypes"),
)

# (name, display name, purpose, topic); the topic picks the message templates.
PUBLIC_CHANNELS = (
    ("announcements", "Announcements", "Company news. Please keep chatter in threads", "announce"),
    ("incidents", "Incidents", "Production incidents, one thread per incident", "incident"),
    ("design-reviews", "Design Reviews", "Share mocks early, get feedback often", "design"),
    ("support", "Support", "Customer questions that need an engineer", "support"),
    ("random", "Random", "Lunch, pets and everything else", "social"),
    ("deployments", "Deployments", "Release notes and deploy log", "deploy"),
    ("backend", "Backend", "APIs, databases and workers", "eng"),
    ("frontend", "Frontend", "Web app, design system, browsers", "eng"),
    ("product", "Product", "Roadmap, specs and customer insights", "product"),
    ("release-planning", "Release Planning", "What ships when", "deploy"),
    ("mobile", "Mobile", "iOS and Android apps", "eng"),
    ("data", "Data", "Pipelines, dashboards and metrics", "eng"),
    ("security", "Security", "Vulnerabilities, audits and access requests", "eng"),
    ("qa", "QA", "Test plans and flaky tests", "eng"),
    ("docs", "Docs", "Documentation and the developer portal", "product"),
    ("customer-feedback", "Customer Feedback", "What customers tell us", "support"),
    ("hiring", "Hiring", "Open roles and referrals", "social"),
    ("infra", "Infra", "Kubernetes, Terraform, CI runners", "eng"),
    ("marketing", "Marketing", "Campaigns, blog posts, launches", "product"),
    ("sales", "Sales", "Deals and demos", "support"),
    ("onboarding", "Onboarding", "Welcome! Ask anything here", "social"),
    ("standup", "Standup", "Async daily standup", "standup"),
    ("api", "API", "Public API changes and deprecations", "eng"),
    ("observability", "Observability", "Metrics, logs and alerts", "incident"),
    ("accessibility", "Accessibility", "Making the product usable by everyone", "design"),
    ("book-club", "Book Club", "This month: Accelerate", "social"),
    ("devex", "Developer Experience", "Build times, tooling, local setup", "eng"),
    ("partnerships", "Partnerships", "Integrations with other products", "product"),
    ("it-help", "IT Help", "Laptops, VPN, accounts", "support"),
    ("kudos", "Kudos", "Say thanks in public", "social"),
)
PRIVATE_CHANNELS = (
    ("oncall-handover", "On-call Handover", "Weekly handover notes", "incident"),
    ("security-response", "Security Response", "Embargoed security issues", "incident"),
    ("offsite-planning", "Offsite Planning", "Spring offsite logistics", "social"),
    ("managers", "Managers", "People managers", "product"),
    ("interview-panel", "Interview Panel", "Candidate debriefs", "social"),
    ("budget-2025", "Budget 2025", "Planning numbers, do not share", "product"),
    ("launch-war-room", "Launch War Room", "Coordinating the v3 launch", "deploy"),
    ("exec-staff", "Exec Staff", "Leadership sync", "product"),
    ("vendor-review", "Vendor Review", "Tooling contracts", "support"),
    ("perf-cycle", "Performance Cycle", "Review calibration", "product"),
)
# Topics of the channels every product has: Mattermost's Town Square and Off-Topic.
BUILTIN_TOPICS = {"town-square": "general", "off-topic": "social"}

_WORDS = {
    "service": ("billing-api", "auth-service", "search", "notifications", "web-app", "ingest"),
    "component": (
        "the sidebar",
        "the login page",
        "the settings modal",
        "the checkout flow",
        "the onboarding wizard",
        "the search bar",
    ),
    "feature": (
        "SSO",
        "dark mode",
        "bulk export",
        "audit logs",
        "the new dashboard",
        "usage-based billing",
        "webhooks v2",
    ),
    "customer": ("Globex", "Initech", "Umbrella", "Hooli", "Stark Industries", "Wayne Enterprises"),
    "food": ("tacos", "ramen", "the Thai place", "pizza", "the salad bar", "dumplings"),
    "weekday": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday"),
    "time": ("10:00", "11:30", "14:00", "15:30", "16:00"),
    "metric": ("p95 latency", "error rate", "queue depth", "CPU", "DB connections"),
    "tool": ("Grafana", "the runbook", "Sentry", "the status page", "PagerDuty"),
    "thing": ("the migration", "the flaky test", "the release notes", "the RFC", "the spec"),
}

TEMPLATES: dict[str, tuple[str, ...]] = {
    "general": (
        "Good morning everyone :wave:",
        "Reminder: all-hands is on {weekday} at {time} UTC. Questions for the Q&A go in the doc.",
        "Welcome {mention} to the team! :tada:",
        "The office wifi is back, thanks to IT :pray:",
        "Who is around on {weekday}? Thinking about a team lunch.",
        "Heads up: the VPN certificates rotate tonight, reconnect tomorrow morning.",
        "Happy Friday! What did everyone ship this week?",
        "Please fill in the engagement survey by {weekday} :memo:",
        "New handbook page on expenses: https://handbook.example.com/expenses",
    ),
    "social": (
        "Anyone up for {food} at 12:30?",
        "Lunch: {food} today, who's in?",
        "My cat just walked across the keyboard during a demo :joy:",
        "Coffee machine on 3rd floor is fixed :coffee:",
        "What's everyone reading? Looking for recommendations.",
        "Big thanks to {mention} for covering my on-call shift :heart:",
        "Board games after work on {weekday}?",
        "Photo from the offsite is up on the drive :camera:",
        "Is it just me or is it freezing in the office today?",
    ),
    "announce": (
        "We closed the quarter at 112% of target. Thank you all! :rocket:",
        "Office closed on {weekday} for maintenance. Work from home.",
        "Please welcome {mention}, who joins us as our new {title}.",
        "Open enrolment for benefits ends on {weekday}. Details in the handbook.",
        "Company offsite dates are confirmed: see the pinned post for logistics.",
        "Launched: {feature} is now generally available :tada: Thanks to everyone involved.",
    ),
    "incident": (
        ":red_circle: Investigating elevated {metric} on {service}. Updates in thread.",
        ":warning: {service} alert: {metric} above threshold. {mention} can you take a look?",
        "Postmortem for last week's {service} outage is up for review: "
        "https://wiki.example.com/postmortems/{number}",
        ":large_green_circle: Resolved: {service} is healthy again. Root cause in thread.",
        "Paging {mention}: {service} error rate spiked after the last deploy.",
        "On-call handover: quiet week, two pages, both {service}. Notes in {tool}.",
    ),
    "design": (
        "New mocks for {component} are up, feedback welcome by {weekday} :art:",
        "{mention} can you review the spacing on {component}? Figma link: https://figma.example.com/file/{number}",
        "We ran 5 usability sessions on {component}; summary in thread.",
        "Proposal: drop the secondary button on {component}, it confuses people.",
        "Updated the icon set in the design system, please pull the latest version.",
    ),
    "support": (
        "{customer} reports that {feature} times out for large accounts. Ticket SUP-{number}.",
        "Anyone know if {feature} works with SAML from Okta? {customer} is asking.",
        "{mention} could you check SUP-{number}? Customer says {component} shows a blank page.",
        "{customer} renewed for another year and loves {feature} :tada:",
        "FYI: spike in tickets about password resets this morning.",
    ),
    "deploy": (
        "Deploying {service} v2.{number} to production :rocket:",
        "Release {version} is cut, QA sign-off needed by {weekday}.",
        "Rolled back {service} to the previous version, investigating.",
        "Release notes for {version} are drafted: https://github.com/acme/app/releases/tag/{version}",
        "Freeze for the {version} release starts {weekday} at {time} UTC.",
        "{service} canary looks good, promoting to 100%.",
    ),
    "eng": (
        "PR for {service} retries: https://github.com/acme/app/pull/{number} {mention}",
        "Could someone review https://github.com/acme/app/pull/{number}? Small one, I promise.",
        "Who owns {service}? It logs a warning on every request.",
        "{thing} is done, {service} is now on Postgres 16 :elephant:",
        "CI is red on main because of {thing}, I'm on it.",
        "RFC: move {service} to a queue-based design. Comments by {weekday}: https://docs.example.com/rfc/{number}",
        "TIL: `git worktree` makes reviewing PRs so much easier.",
        "Heads up: I'm bumping the Python version in the base image today.",
        "{mention} the integration tests for {service} are flaky again, any idea?",
    ),
    "product": (
        "Updated the roadmap for next quarter: {feature} moves up, see the doc.",
        "Customer interviews this week pointed at {component} as the main pain point.",
        "Spec for {feature} is ready for comments: https://docs.example.com/specs/{number}",
        "{mention} do we have numbers on {feature} adoption?",
        "Launch checklist for {feature} is in the wiki.",
    ),
    "standup": (
        "Yesterday: {thing}. Today: reviews and {feature}. Blockers: none.",
        "Yesterday: paired with {mention} on {service}. Today: {thing}. Blockers: access.",
        "Out this afternoon for a dentist appointment, back tomorrow.",
        "Today: finishing {thing}, then on-call. No blockers.",
    ),
    "dm": (
        "Hey, got a minute?",
        "Thanks for the review!",
        "Can we move our 1:1 to {time}?",
        "Did you see the message in #incidents?",
        "Lunch today?",
        "Sending you the doc now.",
        "Are you joining the demo on {weekday}?",
    ),
}
# What a bot member of a channel posts: CI, deploys, reminders.
BOT_MESSAGES = (
    "Build #{number} passed on main :white_check_mark:",
    "Build #{number} failed on main: 2 tests failing in {service} :x:",
    "Deployed {service} {version} to production :rocket:",
    "Reminder: standup in 10 minutes :alarm_clock:",
    "All clear: {metric} on {service} is back to normal.",
    "New release {version} is available: https://github.com/acme/app/releases/tag/{version}",
)
# Thread replies by topic: short answers people give under a post.
REPLIES: dict[str, tuple[str, ...]] = {
    "general": ("Thanks!", "+1", "Good to know, thanks", "Noted :pray:", "Will do"),
    "social": (
        "I'm in!",
        ":joy:",
        "Same here",
        "Count me in",
        "Haha",
        "Can't today, next time",
        "Meet you at the lift",
    ),
    "announce": (
        "Congrats everyone! :tada:",
        "Great news",
        "Thanks for sharing",
        "Where can I find the details?",
        ":clap:",
    ),
    "incident": (
        "Looking",
        "I see the same in {tool}",
        "Rolling back now",
        "Rollback done, {metric} recovering",
        "Root cause: a config change in {service}",
        "Postmortem scheduled for {weekday}",
        "Thanks all, closing the incident",
    ),
    "design": (
        "Love it",
        "Could we try a bigger touch target?",
        "Left comments in Figma",
        "Looks good to me :+1:",
        "The contrast on the grey text is too low",
    ),
    "support": (
        "Checking",
        "Known issue, fix ships in the next release",
        "I replied on the ticket",
        "Can you share the account id?",
        "Works on my side, can they try again?",
    ),
    "deploy": (
        "QA signed off :white_check_mark:",
        "Smoke tests pass",
        "Shipped :rocket:",
        "Hold on, one more fix going in",
        "Release notes look good",
    ),
    "eng": (
        "Looking now",
        "Approved with two nits",
        "LGTM :+1:",
        "I think {mention} knows",
        "Fixed in the latest commit",
        "Can we add a test for the empty case?",
        "Merged, thanks!",
    ),
    "product": (
        "Makes sense",
        "Let's discuss in the sync",
        "Added my notes to the doc",
        "I'll pull the numbers",
    ),
    "standup": ("Nice!", "Ping me if you need a hand", "Feel better!"),
    "dm": ("Sure", "Sounds good", "Thanks!", "On my way", "Yes, see you there"),
}
EDIT_NOTES = ("link fixed", "moved to {time}", "added the dashboard", "typo")
FILE_POSTS = (
    ("Screenshot of the error", "screenshot-error.png", "image/png"),
    ("Here are the latest mocks", "mocks-v3.png", "image/png"),
    ("Architecture diagram for the RFC", "architecture.png", "image/png"),
    ("Slides from today's review", "quarterly-review.pdf", "application/pdf"),
    ("Logs from the failing job", "ci-job.log", "text/plain"),
    ("Updated roadmap", "roadmap.pdf", "application/pdf"),
)
REACTIONS = {
    "incident": ("eyes", "white_check_mark", "pray", "+1"),
    "announce": ("tada", "clap", "heart", "rocket"),
    "social": ("joy", "heart", "smile", "+1"),
    "deploy": ("rocket", "tada", "white_check_mark"),
}
DEFAULT_REACTIONS = ("+1", "eyes", "heart", "smile", "white_check_mark", "thinking_face")


def fill(template: str, rng: random.Random, mentionable: list[str]) -> str:
    """The template with its placeholders filled; ``{mention}`` names one of ``mentionable``."""
    values = {key: rng.choice(words) for key, words in _WORDS.items()}
    values["mention"] = "@" + rng.choice(mentionable) if mentionable else "everyone"
    values["number"] = str(rng.randint(100, 4999))
    values["version"] = f"v3.{rng.randint(1, 9)}.{rng.randint(0, 9)}"
    values["title"] = rng.choice(TITLES)
    fields = {name for _, name, _, _ in string.Formatter().parse(template) if name}
    return template.format(**{name: values[name] for name in fields})


_TOPICS = {name: topic for name, _, _, topic in PUBLIC_CHANNELS + PRIVATE_CHANNELS}
_TOPICS.update(engineering="eng", leadership="product")


def topic_of(channel: dict) -> str:
    """Which templates a channel's history is drawn from."""
    if channel["kind"] in ("direct", "group"):
        return "dm"
    if channel.get("builtin"):
        return BUILTIN_TOPICS[channel["builtin"]]
    return _TOPICS.get(channel["name"], "general")
