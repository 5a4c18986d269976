//! The JS bridge inside real wasm under Node (wasm-bindgen-test): the adapters over JS objects,
//! and the exported class end to end.
#![cfg(target_arch = "wasm32")]

use connect_provider::application::{EventBus, ProviderConnectionRepository, RepositoryError};
use connect_provider::domain::{NewProviderConnection, ProviderConnectionAttempted};
use connect_provider::js::{JsConnectProviderHandler, JsEventBus, JsRepository};
use connect_provider::{
    CredentialType, ProviderConnection, ProviderConnectionEvent, ProviderCredentials, Timestamp,
};
use js_sys::{Array, Function, Object, Reflect, Uint8Array};
use uuid::Uuid;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::wasm_bindgen_test;

const USER_ID: &str = "0190f5b2-3c4d-7e8f-9a0b-1c2d3e4f5a6b";
const PROVIDER_ID: &str = "0190f5b2-3c4d-7e8f-9a0b-1c2d3e4f5a6c";

/// A JS object made by JS source, as a caller would write it.
fn js(source: &str) -> JsValue {
    Function::new_no_args(source)
        .call0(&JsValue::UNDEFINED)
        .unwrap()
}

fn get(object: &JsValue, path: &str) -> JsValue {
    path.split('.').fold(object.clone(), |value, key| {
        Reflect::get(&value, &key.into()).unwrap()
    })
}

fn connection() -> ProviderConnection {
    let now = Timestamp::parse_rfc3339("2026-11-26T15:21:29.123Z").unwrap();
    let credentials =
        ProviderCredentials::new(vec![1, 2, 3], CredentialType::ApiKey, None).unwrap();
    let new = NewProviderConnection {
        id: Uuid::parse_str("0190f5b2-3c4d-7e8f-9a0b-000000000001").unwrap(),
        user_id: Uuid::parse_str(USER_ID).unwrap(),
        provider_id: Uuid::parse_str(PROVIDER_ID).unwrap(),
        provider_slug: "schwab".into(),
        alias: None,
        now,
    };
    ProviderConnection::connect(new, credentials).unwrap()
}

fn attempted() -> ProviderConnectionEvent {
    ProviderConnectionEvent::Attempted(ProviderConnectionAttempted {
        event_id: Uuid::nil(),
        occurred_at: Timestamp::parse_rfc3339("2026-11-26T00:00:00Z").unwrap(),
        user_id: Uuid::parse_str(USER_ID).unwrap(),
        provider_id: Uuid::parse_str(PROVIDER_ID).unwrap(),
        provider_slug: "schwab".into(),
    })
}

#[wasm_bindgen_test]
async fn the_repository_adapter_hands_save_the_connection_record() {
    let object = js("const saved = []; return { saved, save(c) { saved.push(c); } };");
    let repository = JsRepository::new(object.clone(), 1_000);
    assert_eq!(repository.save(&connection()).await, Ok(()));

    let record = get(&object, "saved.0");
    assert_eq!(
        get(&record, "id").as_string().unwrap(),
        "0190f5b2-3c4d-7e8f-9a0b-000000000001"
    );
    assert_eq!(get(&record, "status").as_string().unwrap(), "active");
    assert!(get(&record, "alias").is_null());
    assert!(get(&record, "lastSyncAt").is_null());
    assert_eq!(
        get(&record, "createdAt").as_string().unwrap(),
        "2026-11-26T15:21:29.123Z"
    );
    assert_eq!(get(&record, "connectedAt"), get(&record, "createdAt"));
    assert_eq!(
        get(&record, "credentials.credentialType")
            .as_string()
            .unwrap(),
        "api_key"
    );
    assert!(get(&record, "credentials.expiresAt").is_null());
    let bytes = get(&record, "credentials.encryptedData")
        .dyn_into::<Uint8Array>()
        .unwrap();
    assert_eq!(bytes.to_vec(), vec![1, 2, 3]);
}

#[wasm_bindgen_test]
async fn the_repository_adapter_reports_throws_rejections_and_timeouts_in_their_own_words() {
    let cases = [
        (
            "return { save() { throw new TypeError('no table') } };",
            "no table",
        ),
        (
            "return { save: () => Promise.reject(new Error('locked')) };",
            "locked",
        ),
        ("return { save: () => Promise.reject(17) };", "17"),
        (
            "return { save: () => ({ then(_, reject) { reject('thenable said no') } }) };",
            "thenable said no",
        ),
        (
            "return { save: () => new Promise(() => {}) };",
            "save timed out after 5 ms",
        ),
    ];
    for (source, message) in cases {
        let repository = JsRepository::new(js(source), 5);
        assert_eq!(
            repository.save(&connection()).await,
            Err(RepositoryError(message.into())),
            "{source}"
        );
    }
}

#[wasm_bindgen_test]
async fn the_bus_adapter_is_fail_open_and_reports_to_the_hook() {
    let reports = Array::new();
    let hook = Function::new_with_args(
        "error, event",
        "this.push([error.message, event.eventType])",
    );
    let hook = hook.bind0(&reports);
    let bus = JsEventBus::new(
        js("return { publish() { throw new Error('bus down') } };"),
        1_000,
        Some(hook),
    );
    bus.publish(&attempted()).await;
    assert_eq!(reports.length(), 1);
    let report = Array::from(&reports.get(0));
    assert_eq!(report.get(0).as_string().unwrap(), "bus down");
    assert_eq!(
        report.get(1).as_string().unwrap(),
        "ProviderConnectionAttempted"
    );
}

#[wasm_bindgen_test]
async fn the_exported_class_connects_end_to_end() {
    let ports = js("const saved = [], events = []; return { saved, events, repository: { save: async (c) => { saved.push(c) } }, bus: { publish: (e) => { events.push(e) } } };");
    let handler =
        JsConnectProviderHandler::new(get(&ports, "repository"), get(&ports, "bus"), None).unwrap();
    let command = js(&format!(
        "return {{ userId: '{USER_ID}', providerId: '{PROVIDER_ID}', providerSlug: 'schwab', credentials: {{ encryptedData: new Uint8Array([9]), credentialType: 'oauth2' }} }};"
    ));
    let result = JsFuture::from(handler.handle(command)).await.unwrap();

    assert_eq!(get(&result, "ok"), JsValue::TRUE);
    let id = get(&result, "value");
    assert_eq!(get(&ports, "saved.0.id"), id);
    let types: Vec<_> = Array::from(&get(&ports, "events"))
        .iter()
        .map(|e| get(&e, "eventType").as_string().unwrap())
        .collect();
    assert_eq!(
        types,
        ["ProviderConnectionAttempted", "ProviderConnectionSucceeded"]
    );
    assert_eq!(get(&ports, "events.1.connectionId"), id);
    assert_eq!(
        Object::keys(get(&ports, "events.0").unchecked_ref::<Object>()).length(),
        6
    );
}

#[wasm_bindgen_test]
async fn a_command_that_never_waits_is_answered_at_once_and_one_that_waits_gets_a_number() {
    let command = js(&format!(
        "return {{ userId: '{USER_ID}', providerId: '{PROVIDER_ID}', providerSlug: 'schwab', credentials: {{ encryptedData: new Uint8Array([9]), credentialType: 'oauth2' }} }};"
    ));
    let plain = js("return { repository: { save() {} }, bus: { publish() {} } };");
    let handler =
        JsConnectProviderHandler::new(get(&plain, "repository"), get(&plain, "bus"), None).unwrap();
    assert_eq!(handler.start(command.clone()), 0, "finished at once");
    let promised = JsFuture::from(handler.handle(command.clone()))
        .await
        .unwrap();
    assert_eq!(get(&promised, "ok"), JsValue::TRUE);

    let waiting = js("return { repository: { save: async () => {} }, bus: { publish() {} } };");
    let handler =
        JsConnectProviderHandler::new(get(&waiting, "repository"), get(&waiting, "bus"), None)
            .unwrap();
    let first = handler.start(command.clone());
    let second = handler.start(command);
    assert!(first >= 1, "a waiting call is numbered from 1");
    assert_eq!(second, first + 1);
}
