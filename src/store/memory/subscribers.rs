//! Subscriber records in memory: found by address or token by a scan, which
//! is fine for the handfuls tests make.

use chrono::{DateTime, Utc};

use super::MemoryStore;
use crate::incidents::IncidentId;
use crate::outbox::Envelope;
use crate::store::{StoreError, SubscriberStore};
use crate::subscribers::{Answer, FeedbackCounts, Subscriber};

impl SubscriberStore for MemoryStore {
    fn new_subscriber_id(&self) -> Result<String, StoreError> {
        Ok(format!("{:016x}", self.next_id()))
    }

    fn subscriber_by_email(&self, email: &str) -> Result<Option<Subscriber>, StoreError> {
        let r = self.read();
        let found = (r.subscribers.values()).find(|s| s.email == email && s.follows.is_none());
        Ok(found.cloned())
    }

    fn follower(
        &self,
        email: &str,
        incident: &IncidentId,
    ) -> Result<Option<Subscriber>, StoreError> {
        let r = self.read();
        let found = (r.subscribers.values())
            .find(|s| s.email == email && s.follows.as_ref() == Some(incident));
        Ok(found.cloned())
    }

    fn subscriber_by_token(&self, token: &str) -> Result<Option<Subscriber>, StoreError> {
        let r = self.read();
        Ok(r.subscribers.values().find(|s| s.token == token).cloned())
    }

    fn save_subscriber(&self, s: &Subscriber, job: Option<&Envelope>) -> Result<(), StoreError> {
        let mut r = self.write()?;
        r.subscribers.insert(s.id.clone(), s.clone());
        if let Some(job) = job {
            r.outbox.insert(self.next_id(), job.clone());
        }
        Ok(())
    }

    fn remove_subscriber(&self, s: &Subscriber) -> Result<(), StoreError> {
        let mut r = self.write()?;
        r.subscribers.remove(&s.id);
        r.answers.retain(|(_, id), _| *id != s.id);
        Ok(())
    }

    fn confirmed_after(
        &self,
        cursor: Option<&str>,
        limit: usize,
    ) -> Result<Vec<Subscriber>, StoreError> {
        let r = self.read();
        Ok((r.subscribers.values())
            .filter(|s| cursor.is_none_or(|c| s.id.as_str() > c) && s.is_confirmed())
            .take(limit)
            .cloned()
            .collect())
    }

    fn all_subscribers(&self) -> Result<Vec<Subscriber>, StoreError> {
        Ok(self.read().subscribers.values().cloned().collect())
    }

    fn subscriber_counts(&self) -> Result<(u64, u64), StoreError> {
        let r = self.read();
        let subscribers = || r.subscribers.values().filter(|s| s.follows.is_none());
        let confirmed = subscribers().filter(|s| s.is_confirmed()).count() as u64;
        Ok((confirmed, subscribers().count() as u64 - confirmed))
    }

    fn save_answer(
        &self,
        incident: &IncidentId,
        subscriber: &str,
        answer: Answer,
        at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let key = (incident.clone(), subscriber.to_owned());
        self.write()?.answers.insert(key, (answer, at));
        Ok(())
    }

    fn feedback(&self, incident: &IncidentId) -> Result<FeedbackCounts, StoreError> {
        let mut counts = FeedbackCounts::default();
        for ((i, _), answer) in &self.read().answers {
            if i == incident {
                counts.add(*answer);
            }
        }
        Ok(counts)
    }
}
