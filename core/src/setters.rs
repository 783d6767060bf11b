//! `setters!`: chainable setters for the options and params structs, which are
//! `#[non_exhaustive]` (a field added later is not a breaking change), so that code outside the
//! crate builds them from `Default` instead of a struct literal:
//! `RunStartParams::default().message("Hello!")`. Fields stay public: `p.message = None` works.

/// `setters!(Type { into: [field: T, ...], some: [field: T, ...], set: [field: T, ...] })`:
/// for each `into` field (an `Option<T>`, T a string or the like) a method
/// `field(impl Into<T>)` that sets `Some`; for each `some` field (an `Option<T>`, T a number,
/// so that literals infer) a method `field(T)` that sets `Some`; for each `set` field a method
/// `field(T)`.
macro_rules! setters {
    ($t:ident {
        into: [$($into:ident: $into_ty:ty),* $(,)?],
        some: [$($opt:ident: $opt_ty:ty),* $(,)?],
        set: [$($val:ident: $val_ty:ty),* $(,)?] $(,)?
    }) => {
        impl $t {
            $(
                #[doc = concat!("Sets `", stringify!($into), "` to `Some(value)`.")]
                #[must_use]
                pub fn $into(mut self, value: impl Into<$into_ty>) -> Self {
                    self.$into = Some(value.into());
                    self
                }
            )*
            $(
                #[doc = concat!("Sets `", stringify!($opt), "` to `Some(value)`.")]
                #[must_use]
                pub fn $opt(mut self, value: $opt_ty) -> Self {
                    self.$opt = Some(value);
                    self
                }
            )*
            $(
                #[doc = concat!("Sets `", stringify!($val), "`.")]
                #[must_use]
                pub fn $val(mut self, value: $val_ty) -> Self {
                    self.$val = value;
                    self
                }
            )*
        }
    };
}
