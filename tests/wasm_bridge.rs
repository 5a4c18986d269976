//! The JS bridge inside real wasm under Node (wasm-bindgen-test; `wasm_browser.rs` runs the same
//! tests in headless Chromium): the adapters over JS objects, the serde shapes through the pack
//! (records and events held to serde-wasm-bindgen's values), and the handler classes end to
//! end. The tests drive the package's real
//! `pkg-template/api.js`: `createApi(glue)` over the glue the runner generated
//! (`tests/support/wasm_glue.js` finds it) registers the real runtime, its handler classes'
//! `handle()` runs the commands, and the adapters used directly wait through that runtime.
#![cfg(target_arch = "wasm32")]

use std::cell::OnceCell;

use chrono::{DateTime, Utc};
use connect_provider::application::{
    EventBus, ProviderConnectionList, ProviderConnectionRepository, ProviderConnectionView,
    RepositoryError, Written,
};
use connect_provider::domain::instant::parse_rfc3339;
use connect_provider::domain::{
    ConnectionSubject, NewProviderConnection, ProviderConnectionAttempted,
    ProviderConnectionFailed, ProviderConnectionSucceeded, ProviderDisconnectionAttempted,
    ProviderDisconnectionFailed, ProviderDisconnectionSucceeded, ProviderTokenRefreshAttempted,
    ProviderTokenRefreshFailed, ProviderTokenRefreshSucceeded,
};
use connect_provider::js::pack::{from_caller, to_js, Unreadable};
use connect_provider::js::shapes::{self, ProviderConnectionRecord};
use connect_provider::js::{commits_to, JsEventBus, JsRepository};
use connect_provider::{
    ConnectionStatus, CredentialType, ProviderConnection, ProviderCredentials, ProviderEvent,
};
use js_sys::{Array, Function, Object, Promise, Reflect, Uint8Array};
use uuid::Uuid;
use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::wasm_bindgen_test;

const USER_ID: &str = "0190f5b2-3c4d-7e8f-9a0b-1c2d3e4f5a6b";
const PROVIDER_ID: &str = "0190f5b2-3c4d-7e8f-9a0b-1c2d3e4f5a6c";

#[wasm_bindgen(module = "/tests/support/wasm_glue.js")]
extern "C" {
    /// Resolves with the glue's exports, as the runner loaded them.
    #[wasm_bindgen(js_name = testGlue)]
    fn test_glue() -> Promise;
}

#[wasm_bindgen(module = "/pkg-template/api.js")]
extern "C" {
    /// The package's runtime over `glue`: it registers itself with the module and returns the
    /// public handler classes.
    #[wasm_bindgen(js_name = createApi)]
    fn create_api(glue: JsValue) -> JsValue;
}

thread_local! {
    static API: OnceCell<JsValue> = const { OnceCell::new() };
}

/// The package's api, made once: `createApi` registers the runtime every adapter waits
/// through, so every test that waits on one forces this first.
async fn api() -> JsValue {
    if let Some(api) = API.with(|api| api.get().cloned()) {
        return api;
    }
    let glue = JsFuture::from(test_glue()).await.unwrap();
    API.with(|api| api.get_or_init(|| create_api(glue)).clone())
}

/// `new api[class](...args)`.
async fn new_handler(class: &str, args: &[JsValue]) -> JsValue {
    let class: Function = get(&api().await, class).unchecked_into();
    let args: Array = args.iter().collect();
    Reflect::construct(&class, &args).unwrap()
}

/// `handler.handle(command)`: the promise of its result.
fn handle(handler: &JsValue, command: &JsValue) -> Promise {
    get(handler, "handle")
        .unchecked_into::<Function>()
        .call1(handler, command)
        .unwrap()
        .unchecked_into()
}

/// Whether `promise` had settled before this was called: it wins a race against a value that
/// is already there only if it had.
async fn settled_already(promise: &Promise) -> bool {
    let pending = Object::new();
    let race = Promise::race(&Array::of2(promise, &pending));
    JsFuture::from(race).await.unwrap() != JsValue::from(pending)
}

/// A JS value made by JS source, as a caller would write it.
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

fn at(text: &str) -> DateTime<Utc> {
    parse_rfc3339(text).unwrap()
}

fn connection() -> ProviderConnection {
    let credentials =
        ProviderCredentials::new(vec![1, 2, 3], CredentialType::ApiKey, None).unwrap();
    let new = NewProviderConnection {
        id: Uuid::parse_str("0190f5b2-3c4d-7e8f-9a0b-000000000001").unwrap(),
        user_id: Uuid::parse_str(USER_ID).unwrap(),
        provider_id: Uuid::parse_str(PROVIDER_ID).unwrap(),
        provider_slug: "schwab".into(),
        alias: None,
        now: at("2026-11-26T15:21:29.123Z"),
    };
    ProviderConnection::connect(new, credentials).unwrap()
}

fn attempted() -> ProviderEvent {
    ProviderEvent::from(ProviderConnectionAttempted {
        event_id: Uuid::nil(),
        occurred_at: at("2026-11-26T00:00:00Z"),
        user_id: Uuid::parse_str(USER_ID).unwrap(),
        provider_id: Uuid::parse_str(PROVIDER_ID).unwrap(),
        provider_slug: "schwab".into(),
    })
}

#[wasm_bindgen_test]
async fn the_repository_adapter_hands_save_the_connection_record() {
    api().await;
    let object = js("const saved = []; return { saved, save(c) { saved.push(c); } };");
    let repository = JsRepository::new(object.clone(), 1_000, false);
    assert_eq!(repository.save(&connection()).await, Ok(Written::Stored));

    let record = get(&object, "saved.0");
    let keys: Vec<String> = Object::keys(record.unchecked_ref::<Object>())
        .iter()
        .map(|key| key.as_string().unwrap())
        .collect();
    assert_eq!(
        keys,
        [
            "id",
            "userId",
            "providerId",
            "providerSlug",
            "status",
            "alias",
            "credentials",
            "connectedAt",
            "lastSyncAt",
            "createdAt",
            "updatedAt",
            "version"
        ]
    );
    assert_eq!(get(&record, "version").as_f64(), Some(1.0));
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
async fn save_answering_false_is_a_stale_write_and_anything_else_a_stored_one() {
    api().await;
    for (source, written) in [
        ("return { save: () => false };", Written::Stale),
        ("return { save: async () => false };", Written::Stale),
        ("return { save: async () => true };", Written::Stored),
        ("return { save: () => 0 };", Written::Stored),
    ] {
        let repository = JsRepository::new(js(source), 1_000, false);
        assert_eq!(
            repository.save(&connection()).await,
            Ok(written),
            "{source}"
        );
    }
}

#[wasm_bindgen_test]
async fn commit_hands_the_record_and_the_events_and_is_used_only_when_the_bus_is_the_repositorys() {
    api().await;
    let object = js(
        "const calls = []; const eventBus = { publish() {} }; \
         return { calls, eventBus, commit: async (r, e) => { calls.push([r, e]); return true; } };",
    );
    let bus = get(&object, "eventBus");
    assert!(commits_to(&object, &bus));
    assert!(!commits_to(&object, &js("return { publish() {} };")));
    assert!(!commits_to(
        &js("return { eventBus: null };"),
        &JsValue::NULL
    ));
    let repository = JsRepository::new(object.clone(), 1_000, true);
    let written = repository.commit(&connection(), &[attempted()]).await;
    assert_eq!(written, Some(Ok(Written::Stored)));
    assert_eq!(get(&object, "calls.0.0.version").as_f64(), Some(1.0));
    assert_eq!(
        get(&object, "calls.0.1.0.eventType").as_string().as_deref(),
        Some("ProviderConnectionAttempted")
    );
    let without = JsRepository::new(object, 1_000, false);
    assert_eq!(without.commit(&connection(), &[attempted()]).await, None);
}

#[wasm_bindgen_test]
async fn the_repository_adapter_reports_throws_rejections_and_timeouts_in_their_own_words() {
    api().await;
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
        let repository = JsRepository::new(js(source), 5, false);
        assert_eq!(
            repository.save(&connection()).await,
            Err(RepositoryError(message.into())),
            "{source}"
        );
    }
}

#[wasm_bindgen_test]
async fn the_bus_adapter_is_fail_open_and_reports_to_the_hook() {
    api().await;
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

/// A small deterministic generator, for properties over many values (proptest does not build
/// for wasm32).
struct Seeded(u64);

impl Seeded {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn pick<T: Copy>(&mut self, from: &[T]) -> T {
        from[(self.next() % from.len() as u64) as usize]
    }

    fn text(&mut self, max: u64) -> String {
        let alphabet = ['a', 'Z', '9', ' ', 'é', '😀', '-', '\'', '"', '\\'];
        (0..self.next() % (max + 1))
            .map(|_| self.pick(&alphabet))
            .collect()
    }

    fn instant(&mut self) -> DateTime<Utc> {
        // Any millisecond from 0000 to 9999.
        let ms = (self.next() % 315_537_897_600_000) as i64 - 62_167_219_200_000;
        DateTime::from_timestamp_millis(ms).unwrap()
    }
}

fn generated_record(random: &mut Seeded) -> ProviderConnectionRecord {
    let status = random.pick(&ConnectionStatus::ALL);
    let credentials = (status == ConnectionStatus::Active || random.next() % 2 == 0).then(|| {
        let bytes: Vec<u8> = (0..1 + random.next() % 64)
            .map(|_| random.next() as u8)
            .collect();
        ProviderCredentials::new(
            bytes,
            random.pick(&CredentialType::ALL),
            (random.next() % 2 == 0).then(|| random.instant()),
        )
        .unwrap()
    });
    let record = connect_provider::domain::ProviderConnectionRecord {
        id: Uuid::from_u128(u128::from(random.next()) << 64 | u128::from(random.next())),
        user_id: Uuid::from_u128(u128::from(random.next())),
        provider_id: Uuid::from_u128(u128::from(random.next()) << 64),
        provider_slug: format!("p{}", random.text(40)),
        status,
        alias: (random.next() % 2 == 0).then(|| random.text(90)),
        credentials,
        connected_at: (random.next() % 2 == 0).then(|| random.instant()),
        last_sync_at: (random.next() % 2 == 0).then(|| random.instant()),
        created_at: random.instant(),
        updated_at: random.instant(),
        version: 1 + random.next() % (1 << 40),
    };
    ProviderConnectionRecord::from(&ProviderConnection::restore(record).unwrap())
}

/// A record read back from a caller's value, or why not in words.
fn read_record(value: &JsValue) -> Result<ProviderConnectionRecord, String> {
    from_caller(value, 0).map_err(|why| match why {
        Unreadable::Invalid(why) => why,
        Unreadable::Refused(_) => "refused".to_owned(),
    })
}

#[wasm_bindgen_test]
async fn every_record_packs_to_the_value_serde_wasm_bindgen_makes_and_reads_back() {
    api().await;
    let reference = serde_wasm_bindgen::Serializer::new().serialize_missing_as_null(true);
    let json = |value: &JsValue| js_sys::JSON::stringify(value).unwrap().as_string().unwrap();
    let mut random = Seeded(0x2545_f491_4f6c_dd1d);
    for _ in 0..2_000 {
        let record = generated_record(&mut random);
        let expected = format!("{record:?}");
        let secret = |record: &ProviderConnectionRecord| {
            record
                .credentials
                .as_ref()
                .map(|c| c.encrypted_data.0.clone())
        };
        let value = to_js(&record);
        let made_by_serde_wasm_bindgen = serde::Serialize::serialize(&record, &reference).unwrap();
        assert_eq!(json(&value), json(&made_by_serde_wasm_bindgen));
        let back = read_record(&value).unwrap();
        assert_eq!(format!("{back:?}"), expected);
        assert_eq!(secret(&back), secret(&record));
        let connection = ProviderConnection::try_from(back).unwrap();
        assert_eq!(
            format!("{:?}", ProviderConnectionRecord::from(&connection)),
            expected
        );
    }
}

#[wasm_bindgen_test]
async fn every_event_of_every_type_packs_to_the_value_serde_wasm_bindgen_makes() {
    api().await;
    let reference = serde_wasm_bindgen::Serializer::new().serialize_missing_as_null(true);
    let json = |value: &JsValue| js_sys::JSON::stringify(value).unwrap().as_string().unwrap();
    let subject = |found: bool| ConnectionSubject {
        user_id: Uuid::parse_str(USER_ID).unwrap(),
        connection_id: Uuid::nil(),
        provider_id: found.then(|| Uuid::parse_str(PROVIDER_ID).unwrap()),
        provider_slug: found.then(|| "Épargne ✓".to_owned()),
    };
    let refresh_failed = |found| {
        ProviderEvent::from(ProviderTokenRefreshFailed {
            event_id: Uuid::nil(),
            occurred_at: at("2026-11-26T00:00:00.5Z"),
            subject: subject(found),
            reason: "Connection is not active".into(),
            needs_user_action: found,
        })
    };
    let user_id = Uuid::parse_str(USER_ID).unwrap();
    let provider_id = Uuid::parse_str(PROVIDER_ID).unwrap();
    let occurred_at = at("2026-11-26T00:00:00.5Z");
    let mut events = vec![
        attempted(),
        refresh_failed(true),
        refresh_failed(false),
        ProviderEvent::from(ProviderConnectionSucceeded {
            event_id: Uuid::nil(),
            occurred_at,
            user_id,
            connection_id: Uuid::max(),
            provider_id,
            provider_slug: "schwab".into(),
        }),
        ProviderEvent::from(ProviderConnectionFailed {
            event_id: Uuid::nil(),
            occurred_at,
            user_id,
            provider_id,
            provider_slug: "schwab".into(),
            reason: "Connection failed: \"quoted\"".into(),
        }),
    ];
    for found in [true, false] {
        events.extend([
            ProviderEvent::from(ProviderDisconnectionAttempted {
                event_id: Uuid::nil(),
                occurred_at,
                subject: subject(found),
            }),
            ProviderEvent::from(ProviderDisconnectionSucceeded {
                event_id: Uuid::nil(),
                occurred_at,
                subject: subject(found),
            }),
            ProviderEvent::from(ProviderDisconnectionFailed {
                event_id: Uuid::nil(),
                occurred_at,
                subject: subject(found),
                reason: "Connection not found".into(),
            }),
            ProviderEvent::from(ProviderTokenRefreshAttempted {
                event_id: Uuid::nil(),
                occurred_at,
                subject: subject(found),
            }),
            ProviderEvent::from(ProviderTokenRefreshSucceeded {
                event_id: Uuid::nil(),
                occurred_at,
                subject: subject(found),
            }),
        ]);
    }
    let types: std::collections::BTreeSet<&str> = events.iter().map(|e| e.event_type()).collect();
    assert_eq!(types.len(), 9, "every event type: {types:?}");
    for event in events {
        let shape = connect_provider::js::shapes::ProviderEvent(&event);
        let made_by_serde_wasm_bindgen = serde::Serialize::serialize(&shape, &reference).unwrap();
        assert_eq!(json(&shape.to_js()), json(&made_by_serde_wasm_bindgen));
    }
}

/// Views go out as `VIEW`, their keys written out in `seam.js`: the lists built from them hold
/// the keys, in the order, and the values serde-wasm-bindgen gives the same shapes.
#[wasm_bindgen_test]
async fn every_list_of_views_packs_to_the_value_serde_wasm_bindgen_makes() {
    api().await;
    let reference = serde_wasm_bindgen::Serializer::new().serialize_missing_as_null(true);
    let json = |value: &JsValue| js_sys::JSON::stringify(value).unwrap().as_string().unwrap();
    let mut random = Seeded(0x9e37_79b9_7f4a_7c15);
    for size in 0..200 {
        let now = random.instant();
        let connections: Vec<ProviderConnectionView> = (0..size % 25)
            .map(|_| {
                let record = generated_record(&mut random);
                let connection = ProviderConnection::try_from(record).unwrap();
                ProviderConnectionView::of(&connection, now)
            })
            .collect();
        let list = ProviderConnectionList {
            total_count: connections.len(),
            active_count: size,
            connections,
        };
        let shape = shapes::ProviderConnectionList::from(&list);
        let made_by_serde_wasm_bindgen = serde::Serialize::serialize(&shape, &reference).unwrap();
        assert_eq!(json(&to_js(&shape)), json(&made_by_serde_wasm_bindgen));
    }
}

#[wasm_bindgen_test]
async fn a_stored_record_that_breaks_an_invariant_is_refused_naming_why() {
    api().await;
    let base = "{ id: '0190f5b2-3c4d-7e8f-9a0b-000000000001', userId: '0190f5b2-3c4d-7e8f-9a0b-1c2d3e4f5a6b', providerId: '0190f5b2-3c4d-7e8f-9a0b-1c2d3e4f5a6c', providerSlug: 'schwab', status: 'active', alias: null, credentials: { encryptedData: new Uint8Array([1]), credentialType: 'oauth2', expiresAt: null }, connectedAt: null, lastSyncAt: null, createdAt: '2026-11-26T15:21:29.123Z', updatedAt: '2026-11-26T15:21:29.123Z' }";
    let cases = [
        ("r.status = 'paused'", "status: unknown status \"paused\""),
        ("r.id = 'x'", "id: "),
        (
            "r.credentials = null",
            "ACTIVE connection must have credentials",
        ),
        ("r.providerSlug = 's'.repeat(51)", "Invalid provider slug"),
        (
            "r.createdAt = 'yesterday'",
            "createdAt: \"yesterday\" is not an RFC 3339 timestamp",
        ),
        (
            "r.credentials.credentialType = 'password'",
            "credentials.credentialType: unknown credential type \"password\"",
        ),
        ("delete r.userId", "missing field `userId`"),
    ];
    for (change, why) in cases {
        let record = js(&format!("const r = {base}; {change}; return r;"));
        let decoded = read_record(&record).and_then(ProviderConnection::try_from);
        let error = decoded.err().unwrap_or_default();
        assert!(
            error.starts_with(why) || error.contains(why),
            "{change}: {error}"
        );
    }
}

fn connect_command() -> JsValue {
    js(&format!(
        "return {{ userId: '{USER_ID}', providerId: '{PROVIDER_ID}', providerSlug: 'schwab', credentials: {{ encryptedData: new Uint8Array([9]), credentialType: 'oauth2' }} }};"
    ))
}

#[wasm_bindgen_test]
async fn the_exported_class_connects_end_to_end() {
    let ports = js("const saved = [], events = []; return { saved, events, repository: { save: async (c) => { saved.push(c) } }, bus: { publish: (e) => { events.push(e) } } };");
    let handler = new_handler(
        "ConnectProviderHandler",
        &[get(&ports, "repository"), get(&ports, "bus")],
    )
    .await;
    let call = handle(&handler, &connect_command());
    assert!(
        !settled_already(&call).await,
        "save returns a promise, so the call waits"
    );
    let result = JsFuture::from(call).await.unwrap();

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
async fn a_command_that_never_waits_is_delivered_at_once_as_call_0() {
    let command = connect_command();
    let plain = js("return { repository: { save() {} }, bus: { publish() {} } };");
    let handler = new_handler(
        "ConnectProviderHandler",
        &[get(&plain, "repository"), get(&plain, "bus")],
    )
    .await;
    let call = handle(&handler, &command);
    assert!(settled_already(&call).await, "finished at once");
    assert_eq!(
        get(&JsFuture::from(call).await.unwrap(), "ok"),
        JsValue::TRUE
    );

    let waiting = js("const saved = []; return { saved, repository: { save: async (c) => { saved.push(c) } }, bus: { publish() {} } };");
    let handler = new_handler(
        "ConnectProviderHandler",
        &[get(&waiting, "repository"), get(&waiting, "bus")],
    )
    .await;
    let first = handle(&handler, &command);
    let second = handle(&handler, &command);
    assert!(!settled_already(&first).await, "a waiting call is numbered");
    let first = JsFuture::from(first).await.unwrap();
    let second = JsFuture::from(second).await.unwrap();
    assert_eq!(get(&first, "ok"), JsValue::TRUE);
    assert_eq!(get(&second, "ok"), JsValue::TRUE);
    assert_eq!(get(&waiting, "saved.0.id"), get(&first, "value"));
    assert_eq!(
        get(&waiting, "saved.1.id"),
        get(&second, "value"),
        "each waiting call gets its own result"
    );
    assert_ne!(get(&first, "value"), get(&second, "value"));
}
