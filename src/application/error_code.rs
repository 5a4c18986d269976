//! The stable code every failed result carries beside its message, declared once: the
//! handlers' errors map to it, and the bridge hands the same list to JS and to `index.d.ts`.

macro_rules! error_codes {
    ($($(#[doc = $doc:literal])* $variant:ident = $code:literal,)*) => {
        /// Why a command or query failed, for programs: messages may be reworded, codes are not.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum ErrorCode {
            $($(#[doc = $doc])* $variant,)*
        }

        impl ErrorCode {
            /// Every code, in declaration order.
            pub const ALL: &'static [ErrorCode] = &[$(ErrorCode::$variant,)*];

            /// The TypeScript union of the codes' strings.
            pub const TYPESCRIPT: &'static str =
                concat!("export type ErrorCode =", $(" | \"", $code, "\"",)* ";");

            pub const fn as_str(self) -> &'static str {
                match self {
                    $(ErrorCode::$variant => $code,)*
                }
            }
        }
    };
}

error_codes! {
    /// No connection has that id.
    ConnectionNotFound = "CONNECTION_NOT_FOUND",
    /// The connection is another user's.
    NotOwnedByUser = "NOT_OWNED_BY_USER",
    /// A refresh of a connection that is no longer active: the user must connect again.
    NotActive = "NOT_ACTIVE",
    InvalidCredentials = "INVALID_CREDENTIALS",
    InvalidProviderSlug = "INVALID_PROVIDER_SLUG",
    InvalidAlias = "INVALID_ALIAS",
    /// The command or query is not one (a field is missing or malformed).
    InvalidCommand = "INVALID_COMMAND",
    /// The repository failed; nothing of the command was stored.
    DatabaseError = "DATABASE_ERROR",
    /// Other commands kept changing the connection while this one retried; nothing was stored.
    Conflict = "CONFLICT",
    /// The connection is no longer at the version the caller expected (`expectedVersion`).
    VersionMismatch = "VERSION_MISMATCH",
    /// A connect's own `connectionId` is not a UUID v7.
    InvalidConnectionId = "INVALID_CONNECTION_ID",
    /// A connect's own `connectionId` is another connection's.
    ConnectionIdTaken = "CONNECTION_ID_TAKEN",
}

/// A handler's error, as a failed result says it: its message (`Display`), its code and, for a
/// refresh, whether the user must act.
pub trait HandlerError: std::fmt::Display {
    fn code(&self) -> ErrorCode;

    /// `Some` only for the errors whose results say `needsUserAction` (a refresh's).
    fn user_action(&self) -> Option<bool> {
        None
    }
}

impl<E: HandlerError> HandlerError for &E {
    fn code(&self) -> ErrorCode {
        (**self).code()
    }

    fn user_action(&self) -> Option<bool> {
        (**self).user_action()
    }
}

impl std::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::ErrorCode;

    #[test]
    fn each_code_is_its_variant_in_screaming_snake_case_and_the_typescript_lists_them_all() {
        assert_eq!(ErrorCode::ALL.len(), 12);
        assert_eq!(ErrorCode::NotOwnedByUser.as_str(), "NOT_OWNED_BY_USER");
        assert_eq!(
            ErrorCode::TYPESCRIPT,
            "export type ErrorCode = | \"CONNECTION_NOT_FOUND\" | \"NOT_OWNED_BY_USER\" \
             | \"NOT_ACTIVE\" | \"INVALID_CREDENTIALS\" | \"INVALID_PROVIDER_SLUG\" \
             | \"INVALID_ALIAS\" | \"INVALID_COMMAND\" | \"DATABASE_ERROR\" | \"CONFLICT\" \
             | \"VERSION_MISMATCH\" | \"INVALID_CONNECTION_ID\" | \"CONNECTION_ID_TAKEN\";"
        );
    }
}
