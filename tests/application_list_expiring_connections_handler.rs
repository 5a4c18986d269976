//! The ListExpiringConnections query over an in-memory repository: the instant asked, order, filtering.

mod support;

use chrono::{DateTime, TimeDelta, Utc};
use connect_provider::application::{
    DatabaseError, ExpiringConnections, ListExpiringConnections, ListExpiringConnectionsHandler,
    ProviderConnectionView, QueryContext,
};
use connect_provider::{ConnectionStatus, CredentialType, ProviderConnection};
use pollster::block_on;
use support::*;

const ID_1: &str = "0190f5b2-3c4d-7e8f-9a0b-000000000001";
const ID_2: &str = "0190f5b2-3c4d-7e8f-9a0b-000000000002";
const ID_3: &str = "0190f5b2-3c4d-7e8f-9a0b-000000000003";
const ID_4: &str = "0190f5b2-3c4d-7e8f-9a0b-000000000004";
const ID_5: &str = "0190f5b2-3c4d-7e8f-9a0b-000000000005";
const ID_6: &str = "0190f5b2-3c4d-7e8f-9a0b-000000000006";

const DEFAULT: u32 = ListExpiringConnections::DEFAULT_WITHIN_MINUTES;

fn list(
    repository: &InMemoryRepository,
    within_minutes: u32,
) -> Result<ExpiringConnections, DatabaseError> {
    let handler = ListExpiringConnectionsHandler::from(
        QueryContext::new(repository).with_clock(FixedClock(t0())),
    );
    block_on(handler.handle(ListExpiringConnections { within_minutes }))
}

/// An active connection whose credentials expire at `at`.
fn active_until(id: &str, at: DateTime<Utc>) -> ProviderConnection {
    stored_with(
        id,
        USER_ID,
        ConnectionStatus::Active,
        minutes(-120),
        Some(expiring(at)),
    )
}

fn expected(connections: &[&ProviderConnection]) -> ExpiringConnections {
    ExpiringConnections {
        connections: connections
            .iter()
            .map(|connection| ProviderConnectionView::of(connection, t0()))
            .collect(),
    }
}

#[test]
fn the_default_looks_thirty_minutes_ahead_and_the_most_a_week() {
    assert_eq!(ListExpiringConnections::DEFAULT_WITHIN_MINUTES, 30);
    assert_eq!(ListExpiringConnections::MAX_WITHIN_MINUTES, 10_080);
}

#[test]
fn asks_the_repository_for_what_expires_by_now_plus_the_minutes() {
    let cases = [
        (DEFAULT, minutes(30)),
        (0, t0()),
        (45, minutes(45)),
        (
            ListExpiringConnections::MAX_WITHIN_MINUTES,
            t0() + TimeDelta::days(7),
        ),
        // More than a week (a Rust caller; JS refuses it) is a week: never an instant past 9999.
        (
            ListExpiringConnections::MAX_WITHIN_MINUTES + 1,
            t0() + TimeDelta::days(7),
        ),
        (u32::MAX, t0() + TimeDelta::days(7)),
    ];
    for (within_minutes, instant) in cases {
        let repository = InMemoryRepository::default();

        assert_eq!(list(&repository, within_minutes), Ok(expected(&[])));

        assert_eq!(
            repository.asked_instant.get(),
            Some(instant),
            "{within_minutes}"
        );
        assert_eq!(*repository.calls.borrow(), ["find_expiring_before"]);
    }
}

#[test]
fn lists_the_soonest_expiry_first_and_equal_expiries_by_ascending_id() {
    let late = active_until(ID_3, minutes(20));
    let gone = active_until(ID_2, minutes(-5));
    let tie_high = active_until(ID_4, minutes(10));
    let tie_low = active_until(ID_1, minutes(10));
    let repository = InMemoryRepository::answering(vec![
        late.clone(),
        tie_high.clone(),
        gone.clone(),
        tie_low.clone(),
    ]);

    assert_eq!(
        list(&repository, DEFAULT),
        Ok(expected(&[&gone, &tie_low, &tie_high, &late]))
    );
}

#[test]
fn includes_active_connections_whose_credentials_have_already_expired() {
    let long_gone = active_until(ID_1, minutes(-600));
    let just_gone = active_until(ID_2, t0());
    let upcoming = active_until(ID_3, minutes(15));
    let repository =
        InMemoryRepository::holding(vec![upcoming.clone(), just_gone.clone(), long_gone.clone()]);

    assert_eq!(
        list(&repository, DEFAULT),
        Ok(expected(&[&long_gone, &just_gone, &upcoming]))
    );
}

#[test]
fn includes_credentials_expiring_exactly_at_the_instant() {
    let at_the_edge = active_until(ID_1, minutes(30));
    let just_after = active_until(ID_2, minutes(30) + TimeDelta::milliseconds(1));
    let repository = InMemoryRepository::answering(vec![just_after, at_the_edge.clone()]);

    assert_eq!(list(&repository, DEFAULT), Ok(expected(&[&at_the_edge])));
}

#[test]
fn leaves_out_records_the_repository_should_not_have_returned() {
    let due = active_until(ID_1, minutes(15));
    let expired_status = stored_with(
        ID_2,
        USER_ID,
        ConnectionStatus::Expired,
        minutes(-120),
        Some(expiring(minutes(5))),
    );
    let revoked_status = stored_with(
        ID_3,
        USER_ID,
        ConnectionStatus::Revoked,
        minutes(-120),
        Some(expiring(minutes(-5))),
    );
    let disconnected = stored(ID_4, USER_ID, ConnectionStatus::Disconnected, minutes(-120));
    let no_expiry = stored_with(
        ID_5,
        USER_ID,
        ConnectionStatus::Active,
        minutes(-120),
        Some(credentials(CredentialType::ApiKey)),
    );
    let later = active_until(ID_6, minutes(31));
    let repository = InMemoryRepository::answering(vec![
        expired_status,
        revoked_status,
        disconnected,
        no_expiry,
        later,
        due.clone(),
    ]);

    assert_eq!(list(&repository, DEFAULT), Ok(expected(&[&due])));
}

#[test]
fn zero_minutes_lists_only_what_has_expired_by_now() {
    let gone = active_until(ID_1, minutes(-1));
    let now = active_until(ID_2, t0());
    let soon = active_until(ID_3, t0() + TimeDelta::milliseconds(1));
    let later = active_until(ID_4, minutes(1));
    let repository = InMemoryRepository::answering(vec![later, soon, now.clone(), gone.clone()]);

    assert_eq!(list(&repository, 0), Ok(expected(&[&gone, &now])));
    assert_eq!(repository.asked_instant.get(), Some(t0()));
}

#[test]
fn the_views_judge_the_credentials_at_now_not_at_the_instant() {
    let repository = InMemoryRepository::holding(vec![
        active_until(ID_1, minutes(20)),
        active_until(ID_2, minutes(4)),
        active_until(ID_3, minutes(-4)),
    ]);

    let listed = list(&repository, DEFAULT).unwrap();

    let expiry: Vec<_> = listed
        .connections
        .iter()
        .map(|view| view.credential_expiry.map(|e| e.as_str()))
        .collect();
    assert_eq!(
        expiry,
        [Some("expired"), Some("expiring_soon"), Some("valid")]
    );
    let can_sync: Vec<_> = listed
        .connections
        .iter()
        .map(|view| view.can_sync)
        .collect();
    assert_eq!(can_sync, [false, true, true]);
}

#[test]
fn lists_connections_of_every_user() {
    let mine = active_until(ID_1, minutes(10));
    let theirs = stored_with(
        ID_2,
        OTHER_USER_ID,
        ConnectionStatus::Active,
        minutes(-120),
        Some(expiring(minutes(5))),
    );
    let repository = InMemoryRepository::holding(vec![mine.clone(), theirs.clone()]);

    assert_eq!(list(&repository, DEFAULT), Ok(expected(&[&theirs, &mine])));
}

#[test]
fn a_failing_find_is_a_database_error() {
    let repository = InMemoryRepository {
        find_fails_with: Some("connection refused".to_owned()),
        ..InMemoryRepository::holding(vec![active_until(ID_1, minutes(10))])
    };

    let result = list(&repository, DEFAULT);

    assert_eq!(result, Err(DatabaseError("connection refused".to_owned())));
    assert_eq!(
        result.unwrap_err().to_string(),
        "Database error occurred: connection refused"
    );
    assert_eq!(*repository.calls.borrow(), ["find_expiring_before"]);
}

// The original repository's tests, as handler-level tests over a repository that filters.

#[test]
fn original_find_expiring_includes_15_minutes_and_excludes_2_hours_at_30() {
    let soon = active_until(ID_1, minutes(15));
    let far = active_until(ID_2, minutes(120));
    let repository = InMemoryRepository::holding(vec![soon.clone(), far]);

    assert_eq!(list(&repository, 30), Ok(expected(&[&soon])));
}

#[test]
fn original_find_expiring_excludes_connections_that_are_not_active() {
    let active = active_until(ID_1, minutes(10));
    let expired = stored_with(
        ID_2,
        USER_ID,
        ConnectionStatus::Expired,
        minutes(-120),
        Some(expiring(minutes(10))),
    );
    let repository = InMemoryRepository::holding(vec![expired, active.clone()]);

    assert_eq!(list(&repository, 30), Ok(expected(&[&active])));
}

#[test]
fn original_find_expiring_with_a_custom_threshold_of_45_minutes() {
    let at_45 = active_until(ID_1, minutes(45));
    let repository = InMemoryRepository::holding(vec![at_45.clone()]);

    assert_eq!(list(&repository, 30), Ok(expected(&[])));
    assert_eq!(list(&repository, 60), Ok(expected(&[&at_45])));
}
