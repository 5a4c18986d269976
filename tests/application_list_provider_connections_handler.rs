//! The ListProviderConnections query over an in-memory repository: which find, order, filtering, counts.

mod support;

use connect_provider::application::{
    DatabaseError, ListProviderConnections, ListProviderConnectionsHandler, ProviderConnectionList,
    ProviderConnectionView, QueryContext,
};
use connect_provider::domain::CredentialExpiry;
use connect_provider::{ConnectionStatus, ProviderConnection};
use pollster::block_on;
use support::*;

const ID_1: &str = "0190f5b2-3c4d-7e8f-9a0b-000000000001";
const ID_2: &str = "0190f5b2-3c4d-7e8f-9a0b-000000000002";
const ID_3: &str = "0190f5b2-3c4d-7e8f-9a0b-000000000003";
const ID_4: &str = "0190f5b2-3c4d-7e8f-9a0b-000000000004";
const ID_5: &str = "0190f5b2-3c4d-7e8f-9a0b-000000000005";

fn list(
    repository: &InMemoryRepository,
    active_only: bool,
) -> Result<ProviderConnectionList, DatabaseError> {
    let handler = ListProviderConnectionsHandler::from(
        QueryContext::new(repository).with_clock(FixedClock(t0())),
    );
    block_on(handler.handle(ListProviderConnections {
        user_id: uuid(USER_ID),
        active_only,
    }))
}

fn views(connections: &[&ProviderConnection]) -> Vec<ProviderConnectionView> {
    connections
        .iter()
        .map(|connection| ProviderConnectionView::of(connection, t0()))
        .collect()
}

fn ids(list: &ProviderConnectionList) -> Vec<String> {
    list.connections
        .iter()
        .map(|view| view.id.to_string())
        .collect()
}

fn mine(id: &str, status: ConnectionStatus, created_minutes_ago: i64) -> ProviderConnection {
    stored(id, USER_ID, status, minutes(-created_minutes_ago))
}

#[test]
fn lists_every_status_of_the_users_connections_newest_first() {
    let expired = mine(ID_1, ConnectionStatus::Expired, 30);
    let active = stored_with(
        ID_2,
        USER_ID,
        ConnectionStatus::Active,
        minutes(-10),
        Some(expiring(minutes(3))),
    );
    let disconnected = mine(ID_3, ConnectionStatus::Disconnected, 20);
    let theirs = stored(ID_4, OTHER_USER_ID, ConnectionStatus::Active, minutes(-5));
    let repository = InMemoryRepository::holding(vec![
        expired.clone(),
        active.clone(),
        disconnected.clone(),
        theirs,
    ]);

    let result = list(&repository, false);

    assert_eq!(
        result,
        Ok(ProviderConnectionList {
            connections: views(&[&active, &disconnected, &expired]),
            total_count: 3,
            active_count: 1,
        })
    );
    assert_eq!(*repository.calls.borrow(), ["find_by_user_id"]);
}

#[test]
fn the_views_judge_the_credentials_at_the_clocks_now() {
    let soon = stored_with(
        ID_1,
        USER_ID,
        ConnectionStatus::Active,
        minutes(-10),
        Some(expiring(minutes(3))),
    );
    let gone = stored_with(
        ID_2,
        USER_ID,
        ConnectionStatus::Active,
        minutes(-20),
        Some(expiring(minutes(-3))),
    );
    let repository = InMemoryRepository::holding(vec![soon, gone]);

    let list = list(&repository, false).unwrap();

    let expiries: Vec<_> = list
        .connections
        .iter()
        .map(|v| v.credential_expiry)
        .collect();
    assert_eq!(
        expiries,
        [
            Some(CredentialExpiry::ExpiringSoon),
            Some(CredentialExpiry::Expired)
        ]
    );
    let can_sync: Vec<_> = list.connections.iter().map(|v| v.can_sync).collect();
    assert_eq!(can_sync, [true, false]);
    assert_eq!(
        list.active_count, 2,
        "an active connection counts even when it cannot sync"
    );
}

#[test]
fn active_only_asks_for_the_active_ones_and_lists_them_newest_first() {
    let older = mine(ID_1, ConnectionStatus::Active, 60);
    let newer = mine(ID_2, ConnectionStatus::Active, 10);
    let repository = InMemoryRepository::holding(vec![
        older.clone(),
        mine(ID_3, ConnectionStatus::Revoked, 5),
        newer.clone(),
        stored(ID_4, OTHER_USER_ID, ConnectionStatus::Active, minutes(-1)),
    ]);

    let result = list(&repository, true);

    assert_eq!(
        result,
        Ok(ProviderConnectionList {
            connections: views(&[&newer, &older]),
            total_count: 2,
            active_count: 2,
        })
    );
    assert_eq!(*repository.calls.borrow(), ["find_active_by_user"]);
}

#[test]
fn connections_created_at_the_same_instant_are_ordered_by_ascending_id() {
    let first = mine(ID_1, ConnectionStatus::Active, 10);
    let second = mine(ID_2, ConnectionStatus::Pending, 10);
    let third = mine(ID_3, ConnectionStatus::Failed, 10);
    let newest = mine(ID_4, ConnectionStatus::Expired, 5);
    let oldest = mine(ID_5, ConnectionStatus::Active, 20);
    let repository = InMemoryRepository::answering(vec![
        third.clone(),
        oldest.clone(),
        first.clone(),
        newest.clone(),
        second.clone(),
    ]);

    let list = list(&repository, false).unwrap();

    assert_eq!(ids(&list), [ID_4, ID_1, ID_2, ID_3, ID_5]);
    assert_eq!(
        list.connections,
        views(&[&newest, &first, &second, &third, &oldest])
    );
    assert_eq!(list.total_count, 5);
    assert_eq!(list.active_count, 2);
}

#[test]
fn leaves_out_another_users_record_the_repository_returned() {
    let own = mine(ID_1, ConnectionStatus::Active, 30);
    let theirs = stored(ID_2, OTHER_USER_ID, ConnectionStatus::Active, minutes(-10));
    let theirs_too = stored(ID_3, OTHER_USER_ID, ConnectionStatus::Pending, minutes(-20));
    for active_only in [false, true] {
        let repository =
            InMemoryRepository::answering(vec![theirs.clone(), own.clone(), theirs_too.clone()]);

        let result = list(&repository, active_only);

        assert_eq!(
            result,
            Ok(ProviderConnectionList {
                connections: views(&[&own]),
                total_count: 1,
                active_count: 1,
            }),
            "active_only: {active_only}"
        );
    }
}

#[test]
fn active_only_leaves_out_a_record_that_is_not_active() {
    let active = mine(ID_1, ConnectionStatus::Active, 30);
    let not_active: Vec<_> = [
        ConnectionStatus::Pending,
        ConnectionStatus::Expired,
        ConnectionStatus::Revoked,
        ConnectionStatus::Failed,
        ConnectionStatus::Disconnected,
    ]
    .into_iter()
    .zip([
        ID_2,
        ID_3,
        ID_4,
        ID_5,
        "0190f5b2-3c4d-7e8f-9a0b-000000000006",
    ])
    .map(|(status, id)| mine(id, status, 5))
    .collect();
    let mut answer = not_active.clone();
    answer.push(active.clone());
    let repository = InMemoryRepository::answering(answer);

    assert_eq!(
        list(&repository, true),
        Ok(ProviderConnectionList {
            connections: views(&[&active]),
            total_count: 1,
            active_count: 1,
        })
    );
    assert_eq!(*repository.calls.borrow(), ["find_active_by_user"]);
}

#[test]
fn without_active_only_a_record_that_is_not_active_is_kept_and_not_counted_as_active() {
    let active = mine(ID_1, ConnectionStatus::Active, 30);
    let revoked = mine(ID_2, ConnectionStatus::Revoked, 5);
    let repository = InMemoryRepository::answering(vec![active.clone(), revoked.clone()]);

    assert_eq!(
        list(&repository, false),
        Ok(ProviderConnectionList {
            connections: views(&[&revoked, &active]),
            total_count: 2,
            active_count: 1,
        })
    );
}

#[test]
fn a_user_without_connections_gets_an_empty_list() {
    let theirs = stored(ID_1, OTHER_USER_ID, ConnectionStatus::Active, minutes(-10));
    for active_only in [false, true] {
        let repository = InMemoryRepository::holding(vec![theirs.clone()]);
        assert_eq!(
            list(&repository, active_only),
            Ok(ProviderConnectionList {
                connections: vec![],
                total_count: 0,
                active_count: 0,
            })
        );
    }
}

#[test]
fn a_failing_find_is_a_database_error() {
    for (active_only, call) in [(false, "find_by_user_id"), (true, "find_active_by_user")] {
        let repository = InMemoryRepository {
            find_fails_with: Some("connection refused".to_owned()),
            ..InMemoryRepository::holding(vec![mine(ID_1, ConnectionStatus::Active, 10)])
        };

        let result = list(&repository, active_only);

        assert_eq!(result, Err(DatabaseError("connection refused".to_owned())));
        assert_eq!(
            result.unwrap_err().to_string(),
            "Database error occurred: connection refused"
        );
        assert_eq!(*repository.calls.borrow(), [call]);
    }
}

#[test]
fn the_database_error_string_is_the_originals() {
    assert_eq!(DatabaseError::DATABASE_ERROR, "Database error occurred");
}
