//! The decoding rules (untyped fields into a command), by example and by property.
#![cfg(not(target_arch = "wasm32"))]

use connect_provider::application::{
    CommandFields, CredentialBytes, CredentialFields, ExpiresAtField, InvalidField,
    MAX_ENCRYPTED_DATA_BYTES, MAX_TEXT_UNITS,
};
use connect_provider::domain::instant::to_iso_string;
use connect_provider::CredentialType;
use proptest::prelude::*;

const USER_ID: &str = "0190f5b2-3c4d-7e8f-9a0b-1c2d3e4f5a6b";
const PROVIDER_ID: &str = "0190F5B2-3C4D-7E8F-9A0B-1C2D3E4F5A6C";

fn credential_fields(
    bytes: Vec<u8>,
    kind: &str,
    expiry: Option<ExpiresAtField>,
) -> CredentialFields {
    CredentialFields {
        encrypted_data: Some(CredentialBytes(bytes)),
        credential_type: Some(kind.to_owned()),
        expires_at: expiry,
    }
}

fn fields(slug: &str, credentials: Option<CredentialFields>) -> CommandFields {
    CommandFields {
        user_id: USER_ID.to_owned(),
        provider_id: PROVIDER_ID.to_owned(),
        provider_slug: slug.to_owned(),
        alias: None,
        credentials,
        connection_id: None,
    }
}

#[test]
fn valid_fields_make_the_command_with_lower_case_ids() {
    let command = fields(
        "schwab",
        Some(credential_fields(vec![1, 2], "api_key", None)),
    )
    .into_command()
    .unwrap();
    assert_eq!(command.user_id.to_string(), USER_ID);
    assert_eq!(command.provider_id.to_string(), PROVIDER_ID.to_lowercase());
    let credentials = command.credentials.unwrap();
    assert_eq!(credentials.credential_type(), CredentialType::ApiKey);
    assert_eq!(credentials.encrypted_data(), &[1, 2]);
}

#[test]
fn ids_must_be_hyphenated_uuids() {
    for bad in [
        "",
        "0190f5b23c4d7e8f9a0b1c2d3e4f5a6b",
        "{0190f5b2-3c4d-7e8f-9a0b-1c2d3e4f5a6b}",
        "not-a-uuid-at-all-not-a-uuid-at-all!",
    ] {
        let mut input = fields("schwab", None);
        input.user_id = bad.to_owned();
        assert_eq!(
            input.into_command().unwrap_err(),
            InvalidField("userId must be a UUID string".into())
        );
    }
}

#[test]
fn long_slugs_and_aliases_are_left_to_the_domain_rules() {
    let long = "s".repeat(MAX_TEXT_UNITS + 1);
    assert_eq!(
        fields(&long, None).into_command().unwrap().provider_slug,
        long
    );
    let mut input = fields("schwab", None);
    input.alias = Some(long.clone());
    assert_eq!(input.into_command().unwrap().alias, Some(long));
}

#[test]
fn malformed_credentials_become_no_credentials() {
    let cases = [
        credential_fields(vec![], "oauth2", None),
        credential_fields(vec![0; MAX_ENCRYPTED_DATA_BYTES + 1], "oauth2", None),
        credential_fields(vec![1], "password", None),
        credential_fields(
            vec![1],
            "oauth2",
            Some(ExpiresAtField::Text("tomorrow".into())),
        ),
        credential_fields(
            vec![1],
            "oauth2",
            Some(ExpiresAtField::Text("2027-01-01T00:00:00".into())),
        ),
        credential_fields(vec![1], "oauth2", Some(ExpiresAtField::NotText)),
        CredentialFields {
            encrypted_data: None,
            credential_type: Some("oauth2".into()),
            expires_at: None,
        },
        CredentialFields {
            encrypted_data: Some(CredentialBytes(vec![1])),
            credential_type: None,
            expires_at: None,
        },
    ];
    for case in cases {
        let label = format!("{case:?}");
        assert_eq!(
            fields("schwab", Some(case))
                .into_command()
                .unwrap()
                .credentials,
            None,
            "{label}"
        );
    }
}

#[test]
fn expiry_is_kept_in_utc_to_the_millisecond() {
    let expiry = Some(ExpiresAtField::Text(
        "2027-01-01T02:30:00.250999+02:00".into(),
    ));
    let command = fields("schwab", Some(credential_fields(vec![1], "oauth2", expiry)))
        .into_command()
        .unwrap();
    let expires_at = command.credentials.unwrap().expires_at().unwrap();
    assert_eq!(to_iso_string(expires_at), "2027-01-01T00:30:00.250Z");
}

#[test]
fn debug_of_credential_fields_shows_no_bytes() {
    let text = format!(
        "{:?}",
        credential_fields(vec![0xde, 0xad, 0xbe, 0xef], "oauth2", None)
    );
    assert!(text.contains("<4 bytes>"), "{text}");
    assert!(!text.contains("222") && !text.contains("dead"), "{text}");
}

proptest! {
    #[test]
    fn any_text_is_decoded_or_refused_without_panicking(
        // Half the time an id in its hyphenated form, so the decoded half is reached too.
        user_id in prop_oneof![
            any::<u128>().prop_map(|bits| uuid::Uuid::from_u128(bits).hyphenated().to_string()),
            ".{0,40}",
        ],
        slug in ".{0,60}",
        alias in proptest::option::of(".{0,120}"),
        bytes in proptest::collection::vec(any::<u8>(), 0..64),
        kind in ".{0,12}",
        expiry in proptest::option::of(".{0,40}"),
    ) {
        let input = CommandFields {
            user_id,
            provider_id: PROVIDER_ID.to_owned(),
            provider_slug: slug.clone(),
            alias,
            credentials: Some(credential_fields(bytes, &kind, expiry.map(ExpiresAtField::Text))),
            connection_id: None,
        };
        let expected_user = uuid::Uuid::parse_str(&input.user_id)
            .ok()
            .filter(|_| input.user_id.len() == 36 && input.user_id.matches('-').count() == 4);
        match input.into_command() {
            Ok(command) => {
                prop_assert_eq!(command.provider_slug, slug);
                prop_assert_eq!(Some(command.user_id), expected_user);
            }
            // Only the user id can be refused here (the provider id is good, the rest is the
            // handler's to judge): named as such.
            Err(InvalidField(message)) => {
                prop_assert_eq!(expected_user, None);
                prop_assert_eq!(message, "userId must be a UUID string");
            }
        }
    }

    /// Only the hyphenated form is an id here; uuid's other forms of the same id are refused.
    #[test]
    fn only_the_hyphenated_form_of_an_id_is_read(bits in any::<u128>()) {
        let id = uuid::Uuid::from_u128(bits);
        for text in [id.simple().to_string(), id.braced().to_string(), id.urn().to_string()] {
            let mut input = fields("schwab", None);
            input.user_id = text;
            prop_assert_eq!(input.into_command(), Err(InvalidField("userId must be a UUID string".into())));
        }
    }

    #[test]
    fn generated_uuids_always_decode(bits in any::<u128>()) {
        let id = uuid::Uuid::from_u128(bits);
        let mut input = fields("schwab", None);
        input.user_id = id.hyphenated().to_string().to_uppercase();
        prop_assert_eq!(input.into_command().unwrap().user_id, id);
    }

    #[test]
    fn valid_credentials_keep_their_bytes(bytes in proptest::collection::vec(any::<u8>(), 1..2048), kind in 0usize..6) {
        let kind = CredentialType::ALL[kind];
        let credentials = fields("schwab", Some(credential_fields(bytes.clone(), kind.as_str(), None)))
            .into_command()
            .unwrap()
            .credentials
            .unwrap();
        prop_assert_eq!(credentials.encrypted_data(), &bytes[..]);
        prop_assert_eq!(credentials.credential_type(), kind);
    }
}
