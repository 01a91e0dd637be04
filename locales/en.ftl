# Candor's words in English: everything a customer reads that Candor writes
# itself. Engineers' text is shown as written and is not here.
# Every other language's file has the same messages (see README, "Languages").

language-name = English
# Day and month names for the dates below (glibc's locale names).
chrono-locale = en_US
decimal-mark = .

## Dates and times: chrono patterns (https://docs.rs/chrono/latest/chrono/format/strftime/)

date-clock = %H:%M %Z
date-clock-seconds = %H:%M:%S %Z
date-day-clock = %-d %b %H:%M %Z
date-full = %a %-d %b %Y, %H:%M %Z
date-day-time = %a %-d %b, %H:%M %Z
date-month = %B %Y
date-day = %a %-d %b
date-day-year = %a %-d %b %Y
date-day-short = %-d %b
date-day-long = %A %-d %B %Y
date-time = %H:%M
date-day-year-short = %-d %b %Y

## Durations

lasted-minute = for about a minute
lasted-minutes = for { $n ->
    [one] 1 minute
   *[other] { $n } minutes
  }
lasted-hours = for { $n ->
    [one] 1 hour
   *[other] { $n } hours
  }
lasted-days = for { $n ->
    [one] 1 day
   *[other] { $n } days
  }
in-minute = in about a minute
in-hour = in about an hour
in-minutes = in about { $n ->
    [one] 1 minute
   *[other] { $n } minutes
  }
in-hours = in about { $n ->
    [one] 1 hour
   *[other] { $n } hours
  }
in-days = in about { $n ->
    [one] 1 day
   *[other] { $n } days
  }
span-none = less than a minute
span-minutes = { $n ->
    [one] 1 minute
   *[other] { $n } minutes
  }
span-hours = { $n ->
    [one] 1 hour
   *[other] { $n } hours
  }
span-days = { $n ->
    [one] 1 day
   *[other] { $n } days
  }

## Statuses

status-operational = Operational
status-degraded_performance = Degraded performance
status-partial_outage = Partial outage
status-major_outage = Major outage
status-under_maintenance = Under maintenance
# The same, inside a sentence ("Public API: major outage").
status-lower-operational = operational
status-lower-degraded_performance = degraded performance
status-lower-partial_outage = partial outage
status-lower-major_outage = major outage
status-lower-under_maintenance = under maintenance
incident-status-investigating = Investigating
incident-status-identified = Identified
incident-status-monitoring = Monitoring
incident-status-resolved = Resolved
incident-status-postmortem = Postmortem
maintenance-status-scheduled = Scheduled
maintenance-status-in_progress = In progress
maintenance-status-verifying = Verifying
maintenance-status-completed = Completed
impact-none = No impact
impact-minor = Minor
impact-major = Major
impact-critical = Critical

## Lists of names

# "A and B"; "A, B and C" (the first ones joined by list-separator).
list-and = { $init } and { $last }
list-separator = ,{" "}
list-more = { $shown } and { $rest } more
group-all = All of { $group } ({ $n } components)
group-some = { $n } components of { $group }

## What the checks found

check-failing = failing
check-says = { $check }: { $reason }
seen-from = from { $failing }
seen-from-fine = from { $failing } ({ $fine } fine)
evidence-since = { $said } on { $runs ->
    [one] 1 check
   *[other] { $runs } checks in a row
  } since { $since }.
evidence-plain = { $said }.
why-maintenance = Scheduled maintenance: { $name }
incident-name-automatic = { $components }: { $status }

## Candor's own notes on incidents and maintenance

note-detected = Detected automatically. { $evidence }
note-now = Now { $status }. { $evidence }
note-now-component = { $component }: now { $status }. { $evidence }
note-joined = { $component } is affected too: { $status }. { $evidence }
note-recovered = { $component } is operational again.
note-split = { $components } moved to an incident of { $n ->
    [one] its own
   *[other] their own
  }.
note-failing-again = Failing again. { $evidence }
note-failing-again-component = { $component } is failing again. { $evidence }
note-passing = Checks are passing again.
note-resolved-by-checks = Checks are passing again; resolved automatically.
note-maintenance-scheduled = Maintenance scheduled.
note-maintenance-started = Maintenance has started.
note-maintenance-ended = The maintenance window has ended.

## Why a check failed (HTTP's own phrases, like "503 Service Unavailable", stay as they are)

reason-connection-refused = connection refused
reason-connection-reset-body = connection reset while reading the body
reason-connection-reset = connection reset
reason-connection-aborted = connection aborted
reason-connection-closed-body = connection closed before the body was complete
reason-connection-closed = connection closed before a response
reason-connection-timed-out = connection timed out
reason-host-unreachable = host unreachable
reason-network-unreachable = network unreachable
reason-cert-expired = TLS certificate has expired
reason-cert-not-valid-yet = TLS certificate is not valid yet
reason-cert-unknown-issuer = TLS certificate not issued by a trusted authority (self-signed, or a private CA)
reason-cert-revoked = TLS certificate has been revoked
reason-cert-bad-signature = TLS certificate not trusted: its signature is not from the authority it names
reason-cert-ca-as-server = TLS certificate is a CA certificate, not a server certificate
reason-cert-wrong-purpose = TLS certificate is not meant for servers (its key usage)
reason-cert-malformed = TLS certificate is malformed
reason-cert-unsupported-algorithm = TLS certificate is signed with an unsupported algorithm
reason-cert-unknown-critical-extension = TLS certificate has a critical extension not understood
reason-cert-revocation-unknown = TLS certificate's revocation status is unknown
reason-cert-server-as-ca = TLS certificate chain has a server certificate as an authority
reason-cert-name-not-permitted = TLS certificate names a host its authority may not certify
reason-cert-other = TLS certificate not accepted
reason-slow = slow: answered in { $took } (over { $limit })
reason-timed-out = timed out after { $after }
reason-connect-timed-out = timed out connecting after { $after }
reason-unresolved-host = could not resolve host { $host }
reason-too-many-redirects = too many redirects (more than { $max })
reason-tls-alert = TLS handshake failed (server alert: { $alert })
reason-tls-handshake = TLS handshake failed: { $detail }
reason-client-setup = client setup: { $detail }
reason-body-read-failed = reading the body failed: { $detail }
reason-body-missing = body did not contain { $text }
reason-body-missing-within = body did not contain { $text } (in its first { $size })
reason-json-too-large = body is over { $size }, too large to read as JSON (expected { $pointer } = { $expected })
reason-not-json = body is not JSON (expected { $pointer } = { $expected })
reason-json-missing = JSON has no { $pointer }
reason-json-mismatch = JSON { $pointer } was { $found }, expected { $expected }
reason-cert-not-for = TLS certificate is not for { $host }
reason-cert-for-other = TLS certificate is for { $names }, not { $host }
reason-cert-names-more = { $names } and { $n } more
reason-cert-expired-ago = certificate expired { $days ->
    [one] 1 day
   *[other] { $days } days
  } ago
reason-cert-expired-today = certificate expired less than a day ago
reason-cert-expires-today = certificate expires today
reason-cert-expires-in = certificate expires in { $days ->
    [one] 1 day
   *[other] { $days } days
  }

## Incident and maintenance pages

crumb-current-status = Current status
record-status = Status: { $status }
postmortem = Postmortem
postmortem-published = Published
fact-window = Window
fact-components = Components
fact-started = Started
fact-resolved = Resolved
fact-duration = Duration
fact-affected = Affected
affected-each = Each of the { $n } components
answer-why = Why:
answer-why-unknown = Under investigation
answer-back = Expected back:
answer-meanwhile = Meanwhile:
back-working-again = Working again since { $time }; we'll resolve this once the checks keep passing.
back-no-estimate = No estimate yet
back-by = by { $time }, { $within }
back-passed = The estimate of { $time } has passed; we'll post a new one.
impact-badge-none = No impact
impact-badge-minor = Minor impact
impact-badge-major = Major impact
impact-badge-critical = Critical impact
maintenance-badge = Maintenance
updates = Updates
update-change = { $component }: { $old } → { $new }
update-automatic = Posted automatically

## Components

components = Components
group-count = { $n ->
    [one] 1 component
   *[other] { $n } components
  }
group-count-affected = { $n ->
    [one] 1 component
   *[other] { $n } components
  }, { $affected } affected
component-now = Now
component-unchecked = Not being checked
component-since = { $status } since { $since } ({ $lasted })
silent = No data from { $places }
silent-since = No data from { $places } since { $since }
last-checked = Last checked { $at }
not-checked-yet = Not checked yet
why-see = see { $incident }
why-engineers = Set by our engineers

## Uptime

percent = { $n }%
uptime-since = since { $day } ({ $days ->
    [one] 1 day
   *[other] { $days } days
  } of data)
uptime-no-data = no data over { $days } days
uptime-figure = { $percent } uptime over { $days } days
uptime-figure-since = { $percent } uptime { $since }
bar-label = { $component }: uptime per day from { $range }, oldest first
days-ago = { $days } days ago
today = Today
days-range = { $from } to { $to }
day-uptime = { $day }: { $percent } uptime
day-uptime-maintenance = { $day }: { $percent } uptime, with maintenance
day-maintenance = { $day }: under maintenance
day-no-data = { $day }: no data
day-incidents = ; { $n ->
    [one] incident
   *[other] { $n } incidents
  }: { $names }
days-in-words = Every day, in words
no-data = no data
last-24-hours = Last 24 hours
n-days = { $days } days
tally-downtime = { $n ->
    [0] , no downtime
    [one] , 1 day with downtime
   *[other] , { $n } days with downtime
  }
tally-maintenance = , { $n } with maintenance
tally-no-data = , { $n } without data
# After the figure the stylesheet shows on narrow screens ("99.95%").
uptime-over-60 = {" "}uptime over 60 days
uptime-over-30 = {" "}uptime over 30 days

## Every page

skip-to-content = Skip to content
get-updates = Get updates
updated-at = Updated { $at }
reload = Reload
times-shown-in = Times are shown in { $zone }.
powered-by = Powered by Candor.
times-shown-in-yours = Times are shown in your time zone ({ $zone }).

## The status page

history-link = Past incidents and maintenance
subscribe-title = Get updates by email
subscribe-what = We email you when an incident starts, changes or ends, and before planned maintenance.
subscribe-every = This form follows every component; { $choose } on a page of their own.
subscribe-choose = choose components
banner-operational = All systems operational
banner-incidents-open = { $n ->
    [one] An incident is open
   *[other] { $n } incidents are open
  }
banner-affected = Affected: { $components }
current-incidents = Current incidents
affected-label = Affected:
latest-update = Latest update: { $status }
scheduled-maintenance = Scheduled maintenance
maintenance-starts = , starts { $within }
maintenance-when = When:

## A component's page

since-time = since { $time }
uptime = Uptime
uptime-how = Uptime counts outages by time: a major outage fully, a partial outage at 30%; degraded performance counts as up, and maintenance and time we could not observe are left out.
latency-title = Response time, last 24 hours
other-checks = Other checks
recent-incidents = Recent incidents
no-recent-incidents = No incidents affected { $component }.
status-started = { $status } · started { $at }
history-link-all = All past incidents and maintenance

## Where a component is checked from

checked-from = Checked from
places-unchecked = Not being checked right now: no location has reported recently. The status shown is the last one the checks confirmed.
places-unconfirmed = Problem seen from { $places } only: { $findings }. The other locations see it working, so the status is unchanged.
place-result = { $health } · { $ms } ms · last result { $at }
place-no-data-since = No data since { $at }
place-no-data = No data yet
health-up = Operational
health-degraded = Degraded
health-down = Failing

## Response time charts

chart-title = Response time of { $check }, last 24 hours
hours-ago = { $hours } h ago
now = now
under-1-ms = under 1 ms
chart-no-results = no results in the last 24 hours.
chart-no-answers = no answers in the last 24 hours; { $n ->
    [one] 1 failed run (red mark).
   *[other] { $n } failed runs (red marks).
  }
chart-average = average { $mean } over 24 hours (the line: the average of each 10 minutes)
chart-slowest = ; slowest { $slowest } (in the 10 minutes from { $at })
chart-failed = { $n ->
    [0] ; no failed runs.
    [one] ; 1 failed run (red mark).
   *[other] ; { $n } failed runs (red marks).
  }

## History

history-title = Incident history
history-title-page = Incident history, page { $n }
history-empty = No past incidents.
history-lasted = lasted { $span }
history-window = { $span } window
history-pages = History pages
history-newer = Newer
history-older = Older
history-page = Page { $n }

## Feeds

feed-description = Incidents and maintenance on { $site }

## Emails

mail-resolved = This incident is resolved.
mail-status = Status
mail-why = Why
mail-why-unknown = We are still investigating the cause.
mail-back = Expected back
mail-meanwhile = Meanwhile
mail-follow = Follow this incident
mail-impact = Impact
mail-eta = by %H:%M %Z (%-d %b)
mail-no-estimate = We don't have an estimate yet.
mail-latest-update = Latest update ({ $at })
mail-feedback-question = Is everything working for you now?
mail-feedback-working = Yes, it works
mail-feedback-broken = No, still broken
mail-feedback-note = One click is enough: your answer goes straight to the team that worked on this incident.
mail-when = When
mail-details = Details
mail-see-page = See it on the status page
mail-maintenance-starts = This maintenance starts { $within }.
mail-maintenance-soon = This maintenance starts soon.
mail-maintenance-started = This maintenance is in progress.
mail-maintenance-completed = This maintenance is completed.
mail-maintenance-scheduled = We have scheduled maintenance.
mail-footer-why = You get this because you subscribed to updates about { $what } on { $site }.
mail-manage = Manage your subscription
mail-unsubscribe = Unsubscribe
mail-everything = everything
mail-n-components = { $n ->
    [one] 1 component
   *[other] { $n } components
  }
mail-n-other-components = { $n ->
    [one] 1 other component
   *[other] { $n } other components
  }
mail-confirm-title = Confirm your subscription
mail-confirm-asked = Someone, probably you, asked to get status updates from { $site } at this address.
mail-confirm-button = Confirm to start receiving updates
mail-confirm-nothing = Nothing will be sent to this address unless you confirm. The request expires in { $days } days.
mail-not-you = If this wasn't you, ignore this email.
mail-manage-title = Your subscription
mail-manage-asked = Someone, probably you, asked to subscribe this address to { $site }. It is already subscribed, so nothing has changed.
mail-manage-there = There you can choose what you hear about, or unsubscribe.
mail-site-footer = Sent by { $site } ({ $url }) because this address was entered on its subscribe form.
mail-affected = Affected
mail-and-more = and { $n } more
mail-and-others = { $n ->
    [one] and 1 other component
   *[other] and { $n } other components
  }
mail-group-count = { $group }: { $n } components
mail-subject-maintenance = Scheduled maintenance: { $name }
mail-subject-starts = starts { $within }
mail-subject-soon = starting soon
mail-subject-in-progress = in progress
mail-subject-completed = completed

## Badges (short: they are a few pixels wide)

badge-label = status
badge-operational = operational
badge-degraded_performance = degraded
badge-partial_outage = partial outage
badge-major_outage = major outage
badge-under_maintenance = maintenance

## Subscribing

form-email = Email address
form-email-hint = We'll email you a link to confirm. We send nothing else until you do.
form-subscribe = Subscribe
form-fix = Please fix this:
form-which = Which components?
form-which-hint = Leave all unchecked for everything, including components added later.
form-follow-all = You follow every component, including ones added later.
form-follow = You follow:
form-language = Language of the emails
form-unknown-components = { $n ->
    [one] There is no component { $ids }: choose from the list.
   *[other] There are no components { $ids }: choose from the list.
  }
form-email-missing = Enter your email address.
form-email-long = That email address is too long (at most { $max } characters).
form-email-refused = "{ $given }" is not an email address we can send to ({ $why }); it should look like name@example.com.
form-email-unmailable = addresses in quotes or with an [IP address] as the domain cannot be mailed
signup-title = Get status updates by email
signup-page = Subscribe
inbox-title = Check your inbox
inbox-lead = If { $email } can receive email, a message with a link is on its way.
inbox-open = Open the link to confirm your subscription (if this address is already subscribed, the link lets you manage it instead). Links to confirm work for { $days } days.
inbox-nothing = Nothing arrived? Look in your spam folder, or { $again }.
inbox-try-again = try again
capped-title = Too many emails to this address today
capped-lead = We've sent this address several emails today already; try again tomorrow.
capped-earlier = Look for our earlier messages (and in your spam folder): their links still work.
capped-page = Try again tomorrow
too-many-title = Too many requests
too-many-lead = Too many requests from your network; try again in { $minutes ->
    [one] 1 minute
   *[other] { $minutes } minutes
  }.
confirmed-title = You're subscribed
confirmed-lead = We'll email { $email } when something changes.
confirmed-change = Change what you follow, or unsubscribe
confirmed-every-email = Every email we send carries this link too.
manage-saved = Saved.
manage-lead = Emails go to { $email }.
manage-unconfirmed = This subscription is not confirmed yet, so nothing is sent.
manage-confirm = Confirm it
manage-save = Save
unsubscribe-title = Unsubscribe?
unsubscribe-lead = You'll get no more status emails from us.
unsubscribe-fewer = Follow fewer components instead
unsubscribed-title = You're unsubscribed
unsubscribed-lead = We won't send you status emails any more.
unsubscribed-again = Changed your mind? { $again }.
unsubscribed-subscribe = Subscribe again
gone-title = This link no longer works
gone-lead = This link has expired or was already used; { $again }.
gone-subscribe = subscribe again
gone-page = Link expired
thanks-title = Thank you
thanks-working = We've noted that it's working for you after { $incident }.
thanks-broken = We've noted that it's still broken for you after { $incident }.
thanks-broken-note = Our engineers see every answer like yours. If it stays broken, contact support as well.
thanks-change-broken = It's still broken for me
thanks-change-working = It works for me now
bad-form-title = Form not readable
bad-form-lead = The form could not be read, so nothing was changed. Go back, reload the page and try again.
unavailable-title = Not saved
unavailable-lead = Something went wrong on our side and nothing was changed. Please try again in a minute.
unavailable-page = Try again
back-to-status = Back to the status page

## "I'm affected" reports (the forms on the status page and a component's page, /report, the answers)

report-index-title = Something not working for you?
report-index-hint = Tell us which part: our team sees every report, and many reports about one part tell us to look even when our checks see nothing wrong.
report-index-link = Tell us what isn't working
report-component-title = Not working for you?
report-component-hint = If { $name } isn't working for you, press the button: our team sees every report.
report-component-label = Which part isn't working?
report-component-placeholder = Choose…
report-text-label = What happens? (optional)
report-text-hint = At most { $max } characters. Only our team reads it; please leave out passwords and personal details. No email address is needed.
report-button = I'm affected
report-page-title = Report a problem
report-thanks-title = Thanks — the team sees your report
report-thanks-lead = Thanks — the team sees your report about { $name }.
report-thanks-body = Reports help us notice problems our checks may miss. We don't reply to reports, and what you wrote is never shown on the status page. What we know, and when it is fixed, is on the status page.
report-back-to = Back to { $name }
report-too-many-title = Too many reports
report-too-many-lead = We received several reports from your network just now, so this one was not counted. Try again in { $minutes ->
    [one] 1 minute
   *[other] { $minutes } minutes
  }; the earlier reports already reached our team.
report-unknown-title = No such component
report-unknown-lead = There is no component "{ $id }" on this status page, so nothing was reported.
report-fix-this = Please fix this:
report-not-sent = Report not sent
report-no-component = Choose which part isn't working.
report-text-too-long = What you wrote is { $chars } characters long; a report keeps at most { $max }. Shorten it and send it again.
report-unreadable = The form could not be read, so nothing was reported. Go back, reload the page and try again.
report-unavailable-title = Not saved
report-unavailable-lead = Something went wrong on our side and your report was not saved. Please try again in a minute.

## An incident's why and its promised next update (incidents::promise)

# The checks' evidence as an automatic incident's why, one sentence per check.
why-check = The check “{ $check }” of { $component } reports { $reason }
why-check-failing = The check “{ $check }” of { $component } fails
why-check-unnamed = { $component }: { $reason }
why-from-some = { $said } from { $failing } of { $all } locations ({ $names })
why-from-all = { $said } from all { $all } locations
why-since = { $said } since { $since }.
why-plain = { $said }.
# The checks pass again, while the incident waits out its quiet period.
why-passed = The check “{ $check }” of { $component } failed from { $since }; it passes again.
why-passed-plain = The check “{ $check }” of { $component } failed; it passes again.
why-passed-unnamed = { $component } failed from { $since }; it passes again.
why-passed-unnamed-plain = { $component } failed; it passes again.
why-more = { $n ->
    [one] And 1 more check fails.
   *[other] And { $n } more checks fail.
  }
why-not-published = Cause not yet published
why-postmortem = Read the postmortem
why-postmortem-at = Read the postmortem: { $url }
why-line = Why: { $why }
next-update-by = Next update by { $time }
next-update-overdue = Update overdue since { $time }
mail-next-update = Next update

## Following one incident ("Email me when this is resolved": the form on an open incident's page, /follow/…, the emails)
follow-title = Email me when this is resolved
follow-what = We'll email you this incident's updates and when it is resolved, nothing else. This does not subscribe you to anything.
follow-button = Email me
follow-page = Follow this incident
follow-inbox-open = Open the link in it to start getting this incident's news. It works for { $days } days.
follow-back = Back to the incident
follow-not-open-title = Nothing left to follow
follow-not-open-lead = This incident is no longer open: { $incident } says how it ended.
follow-its-page = its page
follow-not-open-page = Not open
followed-title = You're following this incident
followed-lead = We'll email { $email } when { $incident } is updated, and when it is resolved.
followed-ends = Nothing else is sent, and following ends a week after it is resolved. Every email carries a link to stop.
follow-stop-title = Stop following this incident?
follow-stop-lead = You'll get no more emails about it.
follow-stop-button = Stop following
follow-stopped-title = You no longer follow this incident
follow-stopped-lead = We won't email you about it any more.
mail-follow-confirm-title = Confirm you want news of this incident
mail-follow-confirm-asked = Someone, probably you, asked { $site } to email this address about “{ $incident }”: its updates and its resolution, nothing else.
mail-follow-confirm-button = Confirm to follow this incident
mail-follow-confirm-nothing = Nothing will be sent to this address unless you confirm. The request expires in { $days } days.
mail-footer-follower = You get this because you asked { $site } to email you about “{ $incident }” until it is resolved.
mail-stop-following = Stop following this incident
