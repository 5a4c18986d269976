//! What the table of handlers (table.rs) makes of its rows: each exported class (wasm-bindgen
//! cannot export a generic type, so each is a named wrapper of `Exported`), its name for the
//! `TypeError`s it throws, its `handle()` in TypeScript, and `__api`, which hands the package's
//! JS the classes' names, the error objects and the codes once, at load.

/// `handlers! { command|query Struct = "Name" (Operation), repository "TS", handle "TS", errors
/// NameError: ErrorType [KEYS]; … }`
macro_rules! handlers {
    ($(
        $kind:ident $class:ident = $name:literal ($operation:ident),
        repository $repository:literal,
        handle $handle:literal,
        errors $errors:ident: $error_type:ty [$($key:ident),* $(,)?];
    )*) => {
        $(
            impl super::operation::Named for $operation {
                const CLASS: &'static str = $name;
            }
            handlers!(@class $kind $class $name $operation $repository);
        )*

        /// `handle()`, which the package's JS adds to each class.
        #[wasm_bindgen(typescript_custom_section)]
        const HANDLE: &'static str = concat!($(
            "export interface ", $name, " {\n  handle(", $handle, ";\n}\n\n",
        )*);

        /// Each class's name, and its error object: its name, then each key and string.
        pub(super) const SURFACE: &[(&str, &str, &[(&str, &str)])] = &[$((
            $name,
            stringify!($errors),
            &[$((stringify!($key), <$error_type>::$key),)* ("INVALID_COMMAND", INVALID_COMMAND)],
        ),)*];
    };

    (@class $kind:ident $class:ident $name:literal $operation:ident $repository:literal) => {
        #[wasm_bindgen(js_name = $name)]
        pub struct $class(Exported<$operation>);

        #[wasm_bindgen(js_class = $name)]
        impl $class {
            #[wasm_bindgen(js_name = __start, skip_typescript)]
            pub fn start(&self, input: JsValue) -> u32 {
                self.0.start(input)
            }
        }

        handlers!(@new $kind $class $name $repository);
    };

    // What differs between a command's class and a query's: the constructor.
    (@new command $class:ident $name:literal $repository:literal) => {
        #[wasm_bindgen(js_class = $name)]
        impl $class {
            /// Throws a `TypeError` naming the problem when a repository method it uses or
            /// `eventBus.publish` is not a function, or an option is of the wrong kind.
            #[wasm_bindgen(constructor)]
            pub fn new(
                #[wasm_bindgen(unchecked_param_type = $repository)] repository: JsValue,
                #[wasm_bindgen(js_name = eventBus, unchecked_param_type = "EventBus")]
                event_bus: JsValue,
                #[wasm_bindgen(unchecked_optional_param_type = "HandlerOptions")] options: JsValue,
            ) -> Result<$class, JsValue> {
                Exported::command(repository, event_bus, options).map(Self)
            }
        }
    };

    (@new query $class:ident $name:literal $repository:literal) => {
        #[wasm_bindgen(js_class = $name)]
        impl $class {
            /// Throws a `TypeError` when a repository method it uses is not a function, or an
            /// option is of the wrong kind.
            #[wasm_bindgen(constructor)]
            pub fn new(
                #[wasm_bindgen(unchecked_param_type = $repository)] repository: JsValue,
                #[wasm_bindgen(unchecked_optional_param_type = "QueryOptions")] options: JsValue,
            ) -> Result<$class, JsValue> {
                Exported::query(repository, options).map(Self)
            }
        }
    };
}

use js_sys::{Array, Object, Reflect};
use wasm_bindgen::prelude::*;

use super::table::SURFACE;
use crate::application::ErrorCode;

/// `{ handlers: ["ConnectProviderHandler", …], constants: { ConnectProviderError: { … }, …,
/// ErrorCode: { … } } }`, the objects frozen; called once at load.
#[wasm_bindgen(js_name = __api, skip_typescript)]
pub fn api() -> Object {
    let set = |object: &Object, key: &str, value: &JsValue| {
        let _ = Reflect::set(object, &key.into(), value);
    };
    let handlers = Array::new();
    let constants = Object::new();
    for (class, errors_name, entries) in SURFACE {
        handlers.push(&(*class).into());
        let errors = Object::new();
        for (key, message) in *entries {
            set(&errors, key, &(*message).into());
        }
        set(&constants, errors_name, &Object::freeze(&errors));
    }
    let codes = Object::new();
    for code in ErrorCode::ALL {
        set(&codes, code.as_str(), &code.as_str().into());
    }
    set(&constants, "ErrorCode", &Object::freeze(&codes));
    let api = Object::new();
    set(&api, "handlers", &handlers);
    set(&api, "constants", &constants);
    api
}

/// `ErrorCode`'s union, from the same list, into the package's `index.d.ts`.
#[wasm_bindgen(typescript_custom_section)]
const ERROR_CODE_TYPE: &'static str = ErrorCode::TYPESCRIPT;
