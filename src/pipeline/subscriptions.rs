//! Visitors' writes: subscribing, confirming, choosing components,
//! unsubscribing and answering "is everything working for you now?". They take
//! the one write path like every other change: the pipeline applies the rules
//! against storage (one writer, so a read-then-write is never raced), writes
//! the record with any email it causes in one transaction, and flushes before
//! the visitor is answered.

use chrono::{DateTime, Duration, Utc};

use super::desk::{CommandError, Done, SubscriptionCommand};
use crate::incidents::{Book, IncidentId};
use crate::model::ComponentId;
use crate::outbox::{Envelope, Job, Letter};
use crate::store::{StoreError, SubscriberStore};
use crate::subscribers::{CONFIRMATIONS_PER_DAY, FOLLOW_AFTER, Subscribed, Subscriber};

/// Applies one visitor's write; nothing else changes with it. The book is
/// read only: which incidents are open to follow, which followers to forget.
pub(super) fn apply(
    store: &dyn SubscriberStore,
    book: &Book,
    command: SubscriptionCommand,
    now: DateTime<Utc>,
) -> Result<Done, StoreError> {
    Ok(match command {
        SubscriptionCommand::Subscribe {
            email,
            components,
            language,
        } => Done::Subscribed(subscribe(store, &email, components, language, now)?),
        SubscriptionCommand::Follow {
            email,
            incident,
            language,
        } => Done::Subscribed(follow(store, book, &email, incident, language, now)?),
        SubscriptionCommand::Confirm { token } => Done::Subscriber(confirm(store, &token, now)?),
        SubscriptionCommand::SetComponents {
            token,
            components,
            language,
        } => {
            let found = store.subscriber_by_token(&token)?;
            let changed = found.map(|mut s| {
                s.components = components;
                s.language = language.or(s.language);
                s
            });
            if let Some(s) = &changed {
                store.save_subscriber(s, None)?;
            }
            Done::Subscriber(changed)
        }
        SubscriptionCommand::Unsubscribe { token } => {
            let found = store.subscriber_by_token(&token)?;
            if let Some(s) = &found {
                store.remove_subscriber(s)?;
            }
            Done::Removed(found.is_some())
        }
        SubscriptionCommand::Answer {
            incident,
            token,
            answer,
        } => {
            let found = store.subscriber_by_token(&token)?;
            if let Some(s) = &found {
                store.save_answer(&incident, &s.id, answer, now)?;
            }
            Done::Answered(found.is_some())
        }
        SubscriptionCommand::ExpirePending => Done::Expired(expire_pending(store, book, now)?),
    })
}

/// Subscribes `email` (already validated) to `components` (empty: all), or
/// re-sends its confirmation, queueing the email with the record.
fn subscribe(
    store: &dyn SubscriberStore,
    email: &str,
    components: Vec<ComponentId>,
    language: Option<String>,
    now: DateTime<Utc>,
) -> Result<Subscribed, StoreError> {
    let mut s = match store.subscriber_by_email(email)? {
        Some(s) => s,
        None => Subscriber::pending(store.new_subscriber_id()?, email, Vec::new(), now),
    };
    if let Some(capped) = cap(&mut s, now) {
        return Ok(capped);
    }
    let (email, token) = (s.email.clone(), s.token.clone());
    let (letter, outcome) = if s.is_confirmed() {
        // In the language of the page used now; their setting stays theirs.
        (
            Letter::ManageLink {
                email,
                token,
                language,
            },
            Subscribed::ManageLinkQueued,
        )
    } else {
        s.components = components;
        s.language = language.clone();
        (
            Letter::Confirmation {
                email,
                token,
                language,
            },
            Subscribed::ConfirmationQueued,
        )
    };
    let job = Envelope::new(Job::Send(letter), now);
    store.save_subscriber(&s, Some(&job))?;
    Ok(outcome)
}

/// Counts one more confirmation email to `s` today, or, when it had its
/// [`CONFIRMATIONS_PER_DAY`], says when another may go.
fn cap(s: &mut Subscriber, now: DateTime<Utc>) -> Option<Subscribed> {
    s.confirmations_sent
        .retain(|t| now - *t < Duration::days(1));
    if s.confirmations_sent.len() >= CONFIRMATIONS_PER_DAY {
        let oldest = s.confirmations_sent.iter().min().copied().unwrap_or(now);
        return Some(Subscribed::Capped {
            retry_at: oldest + Duration::days(1),
        });
    }
    s.confirmations_sent.push(now);
    None
}

/// Makes `email` (already validated) a follower of `incident` while it is
/// open, or re-sends its confirmation (a confirmed follower confirming
/// again changes nothing), queueing the email with the record. Their
/// language is the page's they used last. Subscriptions are left alone.
fn follow(
    store: &dyn SubscriberStore,
    book: &Book,
    email: &str,
    incident: IncidentId,
    language: Option<String>,
    now: DateTime<Utc>,
) -> Result<Subscribed, StoreError> {
    let Some(i) = book.incidents.get(&incident).filter(|i| i.status.is_open()) else {
        return Ok(Subscribed::NotOpen);
    };
    let mut s = match store.follower(email, &incident)? {
        Some(s) => s,
        None => Subscriber::following(store.new_subscriber_id()?, email, incident.clone(), now),
    };
    if let Some(capped) = cap(&mut s, now) {
        return Ok(capped);
    }
    s.language = language.clone();
    let letter = Letter::FollowConfirmation {
        email: s.email.clone(),
        token: s.token.clone(),
        incident,
        name: i.name.clone(),
        language,
    };
    store.save_subscriber(&s, Some(&Envelope::new(Job::Send(letter), now)))?;
    Ok(Subscribed::ConfirmationQueued)
}

/// Confirms the subscription behind `token`; None if unknown or expired
/// (an expired one is forgotten).
fn confirm(
    store: &dyn SubscriberStore,
    token: &str,
    now: DateTime<Utc>,
) -> Result<Option<Subscriber>, StoreError> {
    let Some(mut s) = store.subscriber_by_token(token)? else {
        return Ok(None);
    };
    if s.is_stale(now) {
        store.remove_subscriber(&s)?;
        return Ok(None);
    }
    if !s.is_confirmed() {
        s.confirmed_at = Some(now);
        store.save_subscriber(&s, None)?;
    }
    Ok(Some(s))
}

/// Forgets subscriptions never confirmed in time, and followers whose
/// incident is gone or was resolved [`FOLLOW_AFTER`] ago; returns how many.
fn expire_pending(
    store: &dyn SubscriberStore,
    book: &Book,
    now: DateTime<Utc>,
) -> Result<usize, StoreError> {
    let done_with = |incident: &IncidentId| match book.incidents.get(incident) {
        None => true,
        Some(i) => i.resolved_at.is_some_and(|at| now - at > FOLLOW_AFTER),
    };
    let stale: Vec<Subscriber> = (store.all_subscribers()?.into_iter())
        .filter(|s| s.is_stale(now) || s.follows.as_ref().is_some_and(done_with))
        .collect();
    for s in &stale {
        store.remove_subscriber(s)?;
    }
    Ok(stale.len())
}

/// Adds an already confirmed subscriber without sending anything (imports
/// from another tool, benchmarks), before Candor runs; an existing address
/// is left as it is. Returns whether it was added.
pub fn import_confirmed(
    store: &dyn SubscriberStore,
    email: &str,
    components: Vec<ComponentId>,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    if store.subscriber_by_email(email)?.is_some() {
        return Ok(false);
    }
    let s = Subscriber::confirmed(store.new_subscriber_id()?, email, components, now);
    store.save_subscriber(&s, None)?;
    Ok(true)
}

/// Details of a storage failure go to the log, where the caller puts them.
impl From<StoreError> for CommandError {
    fn from(_: StoreError) -> Self {
        CommandError::Storage
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::in_memory;

    fn at(days: i64) -> DateTime<Utc> {
        DateTime::UNIX_EPOCH + Duration::days(20_000 + days)
    }

    fn subscribe_at(store: &dyn SubscriberStore, email: &str, now: DateTime<Utc>) -> Subscribed {
        let c = SubscriptionCommand::Subscribe {
            language: None,
            email: email.into(),
            components: Vec::new(),
        };
        match apply(store, &Book::default(), c, now).unwrap() {
            Done::Subscribed(s) => s,
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn an_unconfirmed_subscription_expires_after_seven_days() {
        let store = in_memory();
        let start = at(0);
        subscribe_at(&*store, "late@example.com", start);
        subscribe_at(&*store, "sweep@example.com", start);
        let late = store
            .subscriber_by_email("late@example.com")
            .unwrap()
            .unwrap();
        let token = late.token;
        let c = SubscriptionCommand::Confirm { token };
        assert!(
            matches!(
                apply(&*store, &Book::default(), c, at(8)).unwrap(),
                Done::Subscriber(None)
            ),
            "an expired link confirms nothing"
        );
        assert!(
            store
                .subscriber_by_email("late@example.com")
                .unwrap()
                .is_none()
        );
        let expire = || SubscriptionCommand::ExpirePending;
        assert!(matches!(
            apply(&*store, &Book::default(), expire(), at(6)).unwrap(),
            Done::Expired(0)
        ));
        assert!(matches!(
            apply(&*store, &Book::default(), expire(), at(8)).unwrap(),
            Done::Expired(1)
        ));
        assert_eq!(store.subscriber_counts().unwrap(), (0, 0));
    }

    #[test]
    fn a_fourth_subscribe_in_a_day_queues_nothing_and_a_confirmed_address_gets_its_manage_link() {
        let store = in_memory();
        for _ in 0..3 {
            assert_eq!(
                subscribe_at(&*store, "a@example.com", at(0)),
                Subscribed::ConfirmationQueued
            );
        }
        assert_eq!(
            subscribe_at(&*store, "a@example.com", at(0)),
            Subscribed::Capped {
                retry_at: at(0) + Duration::days(1)
            }
        );
        assert_eq!(store.outbox_counts().unwrap().queued, 3);
        let token = store
            .subscriber_by_email("a@example.com")
            .unwrap()
            .unwrap()
            .token;
        let c = SubscriptionCommand::Confirm { token };
        assert!(matches!(
            apply(&*store, &Book::default(), c, at(1)).unwrap(),
            Done::Subscriber(Some(_))
        ));
        assert_eq!(
            subscribe_at(&*store, "a@example.com", at(2)),
            Subscribed::ManageLinkQueued
        );
        let (_, last) = store.jobs(None, usize::MAX).unwrap().pop().unwrap();
        assert!(matches!(last.job, Job::Send(Letter::ManageLink { .. })));
    }

    /// A book with one incident, open or resolved at `at(0)`.
    fn book_with_incident(open: bool) -> (Book, IncidentId) {
        use crate::incidents::input::IncidentInput;
        let config = crate::config::Config::parse("").unwrap();
        let input = IncidentInput {
            name: Some("Login fails".into()),
            status: Some(if open { "investigating" } else { "resolved" }.into()),
            body: Some("Looking.".into()),
            ..Default::default()
        };
        let mut book = Book::default();
        let valid = input.validate(&config, at(0)).unwrap();
        let operational = |_: &ComponentId| crate::model::ComponentStatus::Operational;
        let (id, _) = book.open_incident(valid, &operational, at(0));
        (book, id)
    }

    fn follow_at(
        store: &dyn SubscriberStore,
        book: &Book,
        incident: &IncidentId,
        now: DateTime<Utc>,
    ) -> Subscribed {
        let c = SubscriptionCommand::Follow {
            email: "ana@example.com".into(),
            incident: incident.clone(),
            language: Some("es".into()),
        };
        match apply(store, book, c, now).unwrap() {
            Done::Subscribed(s) => s,
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn following_an_open_incident_is_no_subscription_and_ends_a_week_after_it_resolves() {
        let store = in_memory();
        let (mut book, id) = book_with_incident(true);
        subscribe_at(&*store, "ana@example.com", at(0));
        assert_eq!(
            follow_at(&*store, &book, &id, at(0)),
            Subscribed::ConfirmationQueued
        );
        let follower = store.follower("ana@example.com", &id).unwrap().unwrap();
        assert_eq!(follower.follows.as_ref(), Some(&id));
        assert_eq!(follower.language.as_deref(), Some("es"));
        // Their subscription is another record, untouched, and the only one counted.
        let sub = store
            .subscriber_by_email("ana@example.com")
            .unwrap()
            .unwrap();
        assert!(sub.follows.is_none() && sub.id != follower.id);
        assert_eq!(store.subscriber_counts().unwrap(), (0, 1));
        let (_, last) = store.jobs(None, usize::MAX).unwrap().pop().unwrap();
        assert!(matches!(
            last.job,
            Job::Send(Letter::FollowConfirmation { ref incident, .. }) if *incident == id
        ));
        // The same cap of confirmation emails as a subscription.
        follow_at(&*store, &book, &id, at(0));
        follow_at(&*store, &book, &id, at(0));
        assert!(matches!(
            follow_at(&*store, &book, &id, at(0)),
            Subscribed::Capped { .. }
        ));
        // Confirmed, it stays while the incident is open and a week after.
        let c = SubscriptionCommand::Confirm {
            token: follower.token.clone(),
        };
        apply(&*store, &book, c, at(1)).unwrap();
        let sweep = |book: &Book, when| {
            apply(&*store, book, SubscriptionCommand::ExpirePending, when).unwrap()
        };
        assert!(matches!(sweep(&book, at(6)), Done::Expired(0)));
        let resolved = book.incidents.get_mut(&id).unwrap();
        resolved.status = crate::incidents::IncidentStatus::Resolved;
        resolved.resolved_at = Some(at(6));
        // Day 12: only the subscription, never confirmed, goes.
        assert!(matches!(sweep(&book, at(12)), Done::Expired(1)));
        assert!(store.follower("ana@example.com", &id).unwrap().is_some());
        assert!(matches!(sweep(&book, at(14)), Done::Expired(1)));
        assert!(store.follower("ana@example.com", &id).unwrap().is_none());
    }

    #[test]
    fn a_resolved_or_unknown_incident_cannot_be_followed() {
        let store = in_memory();
        let (book, id) = book_with_incident(false);
        assert_eq!(follow_at(&*store, &book, &id, at(0)), Subscribed::NotOpen);
        let unknown = IncidentId::parse("zzzzzzzzzzzz").unwrap();
        assert_eq!(
            follow_at(&*store, &book, &unknown, at(0)),
            Subscribed::NotOpen
        );
        assert_eq!(store.outbox_counts().unwrap().queued, 0);
        assert!(store.all_subscribers().unwrap().is_empty());
    }
}
