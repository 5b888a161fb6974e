//! Token claims: the decoded payload kept once, the registered claims read as borrowed views
//! into it, every other claim kept as sent and parsed on demand.
//!
//! Verification makes one pass over the payload: the claims the checks need are located
//! (their strings borrowed from the payload; a string with JSON escapes is unescaped once into
//! a side buffer), every other value is validated exactly as strictly as parsing it into a
//! [`serde_json::Value`] would, and nothing is built for it. [`Claims`] then owns one copy of
//! the payload text (plus the unescaped strings, if any).

use std::borrow::Cow;
use std::collections::HashSet;
use std::fmt;
use std::iter::FusedIterator;

use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::ser::{Error as _, Serializer};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// A byte range of [`Text`]: of the payload when it starts inside it, else of the side buffer
/// (shifted by the payload's length).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
struct Span {
    start: u32,
    end: u32,
}

/// Largest payload whose spans fit in `u32` together with their unescaped copies (which are
/// never longer than the payload). Tokens are capped far below (16 KiB by default).
const MAX_PAYLOAD_BYTES: usize = (u32::MAX / 2) as usize;

fn pos(at: usize) -> u32 {
    u32::try_from(at).unwrap_or(u32::MAX)
}

/// The items of the list claims (`aud` as an array, `permissions`): a few in place (the usual
/// `aud` of one or two audiences), more on the heap.
#[derive(Debug, Clone)]
enum SpanList {
    Inline {
        len: u8,
        items: [Span; SpanList::INLINE],
    },
    Heap(Vec<Span>),
}

impl SpanList {
    const INLINE: usize = 4;

    fn new() -> Self {
        Self::Inline {
            len: 0,
            items: [Span::default(); Self::INLINE],
        }
    }

    fn as_slice(&self) -> &[Span] {
        match self {
            Self::Inline { len, items } => items.get(..usize::from(*len)).unwrap_or_default(),
            Self::Heap(v) => v,
        }
    }

    fn len(&self) -> usize {
        self.as_slice().len()
    }

    fn push(&mut self, span: Span) {
        match self {
            Self::Inline { len, items } if usize::from(*len) < Self::INLINE => {
                items[usize::from(*len)] = span;
                *len += 1;
            }
            Self::Inline { items, .. } => {
                let mut heap = Vec::with_capacity(2 * Self::INLINE);
                heap.extend_from_slice(items);
                heap.push(span);
                *self = Self::Heap(heap);
            }
            Self::Heap(v) => v.push(span),
        }
    }

    fn truncate(&mut self, new_len: usize) {
        match self {
            Self::Inline { len, .. } => {
                if let Ok(n) = u8::try_from(new_len) {
                    *len = (*len).min(n);
                }
            }
            Self::Heap(v) => v.truncate(new_len),
        }
    }
}

/// The text spans index: the payload JSON, then the unescaped copies of escaped strings.
#[derive(Clone, Copy)]
struct Text<'a> {
    payload: &'a str,
    side: &'a str,
}

impl<'a> Text<'a> {
    fn get(self, span: Span) -> &'a str {
        let (start, end) = (span.start as usize, span.end as usize);
        let p = self.payload.len();
        if start < p {
            self.payload.get(start..end)
        } else {
            self.side.get(start - p..end - p)
        }
        .unwrap_or("")
    }
}

/// A list of strings of the payload (`aud` as an array, `permissions`), borrowed from the
/// [`Claims`].
#[derive(Clone, Copy)]
pub struct StrList<'a> {
    text: Text<'a>,
    spans: &'a [Span],
}

impl<'a> StrList<'a> {
    /// The strings, in token order.
    pub fn iter(&self) -> StrListIter<'a> {
        StrListIter {
            text: self.text,
            spans: self.spans.iter(),
        }
    }

    /// How many strings.
    pub fn len(&self) -> usize {
        self.spans.len()
    }

    /// Whether the list is empty.
    pub fn is_empty(&self) -> bool {
        self.spans.is_empty()
    }

    /// The string at `index`.
    pub fn get(&self, index: usize) -> Option<&'a str> {
        self.spans.get(index).map(|s| self.text.get(*s))
    }

    /// Whether the list contains `value`.
    pub fn contains(&self, value: &str) -> bool {
        self.iter().any(|s| s == value)
    }

    /// The strings joined with `sep`.
    pub fn join(&self, sep: &str) -> String {
        let mut out = String::new();
        for (i, s) in self.iter().enumerate() {
            if i > 0 {
                out.push_str(sep);
            }
            out.push_str(s);
        }
        out
    }

    /// The strings, owned.
    pub fn to_vec(&self) -> Vec<String> {
        self.iter().map(str::to_owned).collect()
    }
}

impl<'a> IntoIterator for StrList<'a> {
    type Item = &'a str;
    type IntoIter = StrListIter<'a>;
    fn into_iter(self) -> StrListIter<'a> {
        self.iter()
    }
}

impl<'a> IntoIterator for &StrList<'a> {
    type Item = &'a str;
    type IntoIter = StrListIter<'a>;
    fn into_iter(self) -> StrListIter<'a> {
        self.iter()
    }
}

impl PartialEq for StrList<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.iter().eq(other.iter())
    }
}

impl Eq for StrList<'_> {}

impl fmt::Debug for StrList<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

impl Serialize for StrList<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.iter())
    }
}

/// The iterator of a [`StrList`].
#[derive(Clone)]
pub struct StrListIter<'a> {
    text: Text<'a>,
    spans: std::slice::Iter<'a, Span>,
}

impl fmt::Debug for StrListIter<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.clone()).finish()
    }
}

impl<'a> Iterator for StrListIter<'a> {
    type Item = &'a str;
    fn next(&mut self) -> Option<&'a str> {
        self.spans.next().map(|s| self.text.get(*s))
    }
    fn size_hint(&self) -> (usize, Option<usize>) {
        self.spans.size_hint()
    }
}

impl DoubleEndedIterator for StrListIter<'_> {
    fn next_back(&mut self) -> Option<Self::Item> {
        self.spans.next_back().map(|s| self.text.get(*s))
    }
}

impl ExactSizeIterator for StrListIter<'_> {}
impl FusedIterator for StrListIter<'_> {}

/// The `aud` claim: one audience or several, borrowed from the [`Claims`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Audience<'a> {
    /// `"aud": "x"`.
    One(&'a str),
    /// `"aud": ["x", "y"]`.
    Many(StrList<'a>),
}

impl<'a> Audience<'a> {
    /// The audiences, in token order.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = &'a str> + ExactSizeIterator + use<'a> {
        let (one, many) = match *self {
            Self::One(a) => (Some(a), None),
            Self::Many(list) => (None, Some(list.iter())),
        };
        AudienceIter { one, many }
    }

    /// Whether `aud` contains `value`.
    pub fn contains(&self, value: &str) -> bool {
        match self {
            Self::One(a) => *a == value,
            Self::Many(list) => list.contains(value),
        }
    }

    /// How many audiences.
    pub fn len(&self) -> usize {
        match self {
            Self::One(_) => 1,
            Self::Many(list) => list.len(),
        }
    }

    /// Whether there is no audience (`"aud": []`).
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

struct AudienceIter<'a> {
    one: Option<&'a str>,
    many: Option<StrListIter<'a>>,
}

impl<'a> Iterator for AudienceIter<'a> {
    type Item = &'a str;
    fn next(&mut self) -> Option<&'a str> {
        self.one
            .take()
            .or_else(|| self.many.as_mut().and_then(Iterator::next))
    }
    fn size_hint(&self) -> (usize, Option<usize>) {
        let n =
            usize::from(self.one.is_some()) + self.many.as_ref().map_or(0, ExactSizeIterator::len);
        (n, Some(n))
    }
}

impl DoubleEndedIterator for AudienceIter<'_> {
    fn next_back(&mut self) -> Option<Self::Item> {
        self.many
            .as_mut()
            .and_then(DoubleEndedIterator::next_back)
            .or_else(|| self.one.take())
    }
}

impl ExactSizeIterator for AudienceIter<'_> {}

impl Serialize for Audience<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::One(a) => serializer.serialize_str(a),
            Self::Many(list) => list.serialize(serializer),
        }
    }
}

/// The claims the checks and the accessors read: spans and integers, each valid only when
/// its bit is set in `typed` (kept small: the fields move with every `Claims`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Fields {
    iss: Span,
    sub: Span,
    /// A string, or (`aud_many`) a range of `lists`.
    aud: Span,
    azp: Span,
    nonce: Span,
    org_id: Span,
    org_name: Span,
    scope: Span,
    /// A range of `lists`.
    permissions: Span,
    exp: i64,
    iat: i64,
    nbf: i64,
    auth_time: i64,
    /// Named claims present (each bit a [`Named`]), for duplicate detection.
    seen: u16,
    /// Named claims present with their type (read through the typed accessors; the others are
    /// reported by [`Claims::extra`]).
    typed: u16,
    aud_many: bool,
}

/// Where `aud` is: a string, or a range of `lists`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Aud {
    One(Span),
    Many(Span),
}

impl Fields {
    fn has(&self, which: Named) -> bool {
        self.typed & which as u16 != 0
    }

    fn span(&self, which: Named, span: Span) -> Option<Span> {
        self.has(which).then_some(span)
    }

    fn int(&self, which: Named, value: i64) -> Option<i64> {
        self.has(which).then_some(value)
    }

    fn iss(&self) -> Option<Span> {
        self.span(Named::Iss, self.iss)
    }
    fn sub(&self) -> Option<Span> {
        self.span(Named::Sub, self.sub)
    }
    fn aud(&self) -> Option<Aud> {
        self.span(Named::Aud, self.aud).map(|s| {
            if self.aud_many {
                Aud::Many(s)
            } else {
                Aud::One(s)
            }
        })
    }
    fn azp(&self) -> Option<Span> {
        self.span(Named::Azp, self.azp)
    }
    fn nonce(&self) -> Option<Span> {
        self.span(Named::Nonce, self.nonce)
    }
    fn org_id(&self) -> Option<Span> {
        self.span(Named::OrgId, self.org_id)
    }
    fn org_name(&self) -> Option<Span> {
        self.span(Named::OrgName, self.org_name)
    }
    fn scope(&self) -> Option<Span> {
        self.span(Named::Scope, self.scope)
    }
    fn permissions(&self) -> Option<Span> {
        self.span(Named::Permissions, self.permissions)
    }
    fn exp(&self) -> Option<i64> {
        self.int(Named::Exp, self.exp)
    }
    fn iat(&self) -> Option<i64> {
        self.int(Named::Iat, self.iat)
    }
    fn nbf(&self) -> Option<i64> {
        self.int(Named::Nbf, self.nbf)
    }
    fn auth_time(&self) -> Option<i64> {
        self.int(Named::AuthTime, self.auth_time)
    }
}

/// A borrowed view of the fields and the text they index.
#[derive(Clone, Copy)]
struct View<'a> {
    text: Text<'a>,
    lists: &'a [Span],
    f: &'a Fields,
}

impl<'a> View<'a> {
    fn str(self, span: Option<Span>) -> Option<&'a str> {
        span.map(|s| self.text.get(s))
    }

    fn list(self, range: Span) -> StrList<'a> {
        StrList {
            text: self.text,
            spans: self
                .lists
                .get(range.start as usize..range.end as usize)
                .unwrap_or(&[]),
        }
    }

    fn aud(self) -> Option<Audience<'a>> {
        Some(match self.f.aud()? {
            Aud::One(s) => Audience::One(self.text.get(s)),
            Aud::Many(r) => Audience::Many(self.list(r)),
        })
    }

    fn permissions(self) -> Option<StrList<'a>> {
        self.f.permissions().map(|r| self.list(r))
    }

    fn is_typed(self, name: &str) -> bool {
        Named::from_name(name).is_some_and(|n| self.f.has(n))
    }

    /// A typed claim as JSON; `None` if `name` is not a typed claim of this token.
    fn typed_value(self, name: &str) -> Option<Value> {
        let f = self.f;
        let s = |v: Option<Span>| self.str(v).map(|s| Value::String(s.to_owned()));
        let n = |v: Option<i64>| v.map(Value::from);
        let list =
            |l: StrList<'_>| Value::Array(l.iter().map(|s| Value::String(s.to_owned())).collect());
        match Named::from_name(name)? {
            Named::Iss => s(f.iss()),
            Named::Sub => s(f.sub()),
            Named::Aud => self.aud().map(|a| match a {
                Audience::One(one) => Value::String(one.to_owned()),
                Audience::Many(l) => list(l),
            }),
            Named::Exp => n(f.exp()),
            Named::Iat => n(f.iat()),
            Named::Nbf => n(f.nbf()),
            Named::AuthTime => n(f.auth_time()),
            Named::Azp => s(f.azp()),
            Named::Nonce => s(f.nonce()),
            Named::OrgId => s(f.org_id()),
            Named::OrgName => s(f.org_name()),
            Named::Scope => s(f.scope()),
            Named::Permissions => self.permissions().map(list),
        }
    }
}

/// The verified claims of a token.
///
/// Holds the decoded payload once; the registered and Auth0 claims are read through borrowed
/// accessors ([`Claims::sub`], [`Claims::aud`], …). Every other claim — and a named claim of
/// an unexpected type that no check needed — is kept as sent: [`Claims::get`],
/// [`Claims::get_as`], [`Claims::extra`], [`Claims::payload_as`] and [`Claims::payload_json`]
/// read it on demand. `Serialize` writes every claim.
///
/// The checks guarantee `iss`, `sub`, `aud` and `exp` are present with their types in any
/// `Claims` a verifier returns.
#[derive(Clone)]
pub struct Claims {
    /// The payload JSON, then the unescaped copies of escaped strings.
    text: Box<str>,
    payload_len: u32,
    /// The items of `aud` (as an array) and `permissions`.
    lists: SpanList,
    f: Fields,
}

impl Claims {
    fn view(&self) -> View<'_> {
        let (payload, side) = self
            .text
            .split_at_checked(self.payload_len as usize)
            .unwrap_or((&self.text, ""));
        View {
            text: Text { payload, side },
            lists: self.lists.as_slice(),
            f: &self.f,
        }
    }

    /// Issuer.
    pub fn iss(&self) -> &str {
        self.view().str(self.f.iss()).unwrap_or_default()
    }

    /// Subject (user ID, or `<client_id>@clients` for client-credentials tokens).
    pub fn sub(&self) -> &str {
        self.view().str(self.f.sub()).unwrap_or_default()
    }

    /// Audience(s).
    pub fn aud(&self) -> Audience<'_> {
        self.view().aud().unwrap_or(Audience::Many(StrList {
            text: Text {
                payload: "",
                side: "",
            },
            spans: &[],
        }))
    }

    /// Expiry, seconds since the epoch.
    pub fn exp(&self) -> i64 {
        self.f.exp
    }

    /// Issued-at, seconds since the epoch (always present in a verified ID token).
    pub fn iat(&self) -> Option<i64> {
        self.f.iat()
    }

    /// Not-before, seconds since the epoch.
    pub fn nbf(&self) -> Option<i64> {
        self.f.nbf()
    }

    /// Time of the end-user authentication, seconds since the epoch.
    pub fn auth_time(&self) -> Option<i64> {
        self.f.auth_time()
    }

    /// Authorized party (the client the token was issued to).
    pub fn azp(&self) -> Option<&str> {
        self.view().str(self.f.azp())
    }

    /// OIDC nonce.
    pub fn nonce(&self) -> Option<&str> {
        self.view().str(self.f.nonce())
    }

    /// Organization ID.
    pub fn org_id(&self) -> Option<&str> {
        self.view().str(self.f.org_id())
    }

    /// Organization name.
    pub fn org_name(&self) -> Option<&str> {
        self.view().str(self.f.org_name())
    }

    /// Space-separated OAuth scopes (access tokens).
    pub fn scope(&self) -> Option<&str> {
        self.view().str(self.f.scope())
    }

    /// RBAC permissions (access tokens of APIs with "Add Permissions in the Access Token").
    pub fn permissions(&self) -> Option<StrList<'_>> {
        self.view().permissions()
    }

    /// The scopes of the `scope` claim.
    pub fn scopes(&self) -> impl Iterator<Item = &str> {
        self.scope().unwrap_or("").split_ascii_whitespace()
    }

    /// Whether the `scope` claim contains `scope`.
    pub fn has_scope(&self, scope: &str) -> bool {
        self.scopes().any(|s| s == scope)
    }

    /// Whether the `permissions` claim contains `permission`.
    pub fn has_permission(&self, permission: &str) -> bool {
        self.permissions().is_some_and(|p| p.contains(permission))
    }

    /// The payload as decoded: the claims' JSON object, exactly as the issuer signed it.
    pub fn payload_json(&self) -> &str {
        self.view().text.payload
    }

    /// Any claim by name, typed or not, as JSON.
    pub fn get(&self, name: &str) -> Option<Value> {
        let view = self.view();
        if view.is_typed(name) {
            return view.typed_value(name);
        }
        // Read as strictly at verification; cannot fail here.
        find_claim::<Value>(view.text.payload, name).ok().flatten()
    }

    /// A claim by name, deserialized into `T` (which may borrow from the claims), e.g. a
    /// custom namespaced claim: `claims.get_as::<Vec<&str>>("https://example.com/roles")`.
    /// `Ok(None)` when the token has no such claim.
    ///
    /// # Errors
    /// The claim does not have `T`'s shape.
    pub fn get_as<'a, T: Deserialize<'a>>(
        &'a self,
        name: &str,
    ) -> Result<Option<T>, serde_json::Error> {
        find_claim(self.view().text.payload, name)
    }

    /// Every claim the typed accessors do not return, as JSON: the claims this type does not
    /// name, and named claims of an unexpected type that no check needed. Built on each call.
    pub fn extra(&self) -> Map<String, Value> {
        let view = self.view();
        let mut de = serde_json::Deserializer::from_str(view.text.payload);
        // Read as strictly at verification; cannot fail here.
        de.deserialize_map(ExtraVisitor(view)).unwrap_or_default()
    }

    /// The whole payload deserialized into `T` (which may borrow from the claims): typed
    /// application claims.
    ///
    /// # Errors
    /// The payload does not have `T`'s shape.
    pub fn payload_as<'a, T: Deserialize<'a>>(&'a self) -> Result<T, serde_json::Error> {
        serde_json::from_str(self.payload_json())
    }

    /// Every claim as JSON.
    fn to_map(&self) -> Result<Map<String, Value>, serde_json::Error> {
        serde_json::from_str(self.payload_json())
    }
}

/// Claims are equal when they hold the same claims with the same values (in any order).
impl PartialEq for Claims {
    fn eq(&self, other: &Self) -> bool {
        self.payload_json() == other.payload_json()
            || matches!((self.to_map(), other.to_map()), (Ok(a), Ok(b)) if a == b)
    }
}

impl fmt::Debug for Claims {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Claims")
            .field("iss", &self.iss())
            .field("sub", &self.sub())
            .field("aud", &self.aud())
            .field("exp", &self.exp())
            .field("iat", &self.iat())
            .field("nbf", &self.nbf())
            .field("azp", &self.azp())
            .field("nonce", &self.nonce())
            .field("auth_time", &self.auth_time())
            .field("org_id", &self.org_id())
            .field("org_name", &self.org_name())
            .field("scope", &self.scope())
            .field("permissions", &self.permissions())
            .field("extra", &self.extra())
            .finish()
    }
}

/// Every claim, as a JSON object.
impl Serialize for Claims {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.to_map()
            .map_err(S::Error::custom)?
            .serialize(serializer)
    }
}

/// The claims the verifier types, as bits of `Fields::seen` and `Fields::typed`.
#[derive(Clone, Copy)]
#[repr(u16)]
enum Named {
    Iss = 1,
    Sub = 1 << 1,
    Aud = 1 << 2,
    Exp = 1 << 3,
    Iat = 1 << 4,
    Nbf = 1 << 5,
    Azp = 1 << 6,
    Nonce = 1 << 7,
    AuthTime = 1 << 8,
    OrgId = 1 << 9,
    OrgName = 1 << 10,
    Scope = 1 << 11,
    Permissions = 1 << 12,
}

impl Named {
    fn from_name(name: &str) -> Option<Self> {
        Some(match name {
            "iss" => Self::Iss,
            "sub" => Self::Sub,
            "aud" => Self::Aud,
            "exp" => Self::Exp,
            "iat" => Self::Iat,
            "nbf" => Self::Nbf,
            "azp" => Self::Azp,
            "nonce" => Self::Nonce,
            "auth_time" => Self::AuthTime,
            "org_id" => Self::OrgId,
            "org_name" => Self::OrgName,
            "scope" => Self::Scope,
            "permissions" => Self::Permissions,
            _ => return None,
        })
    }
}

/// A named claim's value as first read: in the shapes the typed fields take, or anything else
/// (validated, not kept: it stays in the payload text).
enum Claim {
    Str(Span),
    Int(i64),
    /// A range of `lists`.
    StrList(Span),
    Other,
}

impl Fields {
    /// Stores a named claim when it has its type. (An `aud` of another type is left out like
    /// any ill-typed claim: every verifier then fails the token on it.)
    fn set(&mut self, which: Named, claim: Claim) {
        match (which, claim) {
            (Named::Iss, Claim::Str(s)) => self.iss = s,
            (Named::Sub, Claim::Str(s)) => self.sub = s,
            (Named::Azp, Claim::Str(s)) => self.azp = s,
            (Named::Nonce, Claim::Str(s)) => self.nonce = s,
            (Named::OrgId, Claim::Str(s)) => self.org_id = s,
            (Named::OrgName, Claim::Str(s)) => self.org_name = s,
            (Named::Scope, Claim::Str(s)) => self.scope = s,
            (Named::Aud, Claim::Str(s)) => self.aud = s,
            (Named::Aud, Claim::StrList(r)) => {
                self.aud = r;
                self.aud_many = true;
            }
            (Named::Permissions, Claim::StrList(r)) => self.permissions = r,
            (Named::Exp, Claim::Int(i)) => self.exp = i,
            (Named::Iat, Claim::Int(i)) => self.iat = i,
            (Named::Nbf, Claim::Int(i)) => self.nbf = i,
            (Named::AuthTime, Claim::Int(i)) => self.auth_time = i,
            _ => return,
        }
        self.typed |= which as u16;
    }
}

/// The state of the one pass: the payload, the unescaped strings, the list items.
struct Ctx<'a> {
    payload: &'a str,
    side: String,
    lists: SpanList,
}

impl<'a> Ctx<'a> {
    /// The span of a string borrowed from the payload.
    fn borrowed(&mut self, s: &'a str) -> Span {
        let at = s.as_ptr().addr().wrapping_sub(self.payload.as_ptr().addr());
        if at < self.payload.len() && s.len() < self.payload.len() - at {
            Span {
                start: pos(at),
                end: pos(at + s.len()),
            }
        } else {
            self.owned(s)
        }
    }

    /// The span of a copy of `s` (a string with escapes, unescaped by the reader).
    fn owned(&mut self, s: &str) -> Span {
        let start = self.payload.len() + self.side.len();
        self.side.push_str(s);
        Span {
            start: pos(start),
            end: pos(start + s.len()),
        }
    }
}

/// Any JSON value, checked as strictly as reading it into a [`Value`] (numbers in range,
/// escapes valid, depth limited) and dropped: nothing is allocated for it.
struct Validated;

impl<'de> Deserialize<'de> for Validated {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(ValidatedVisitor)
    }
}

struct ValidatedVisitor;

impl<'de> Visitor<'de> for ValidatedVisitor {
    type Value = Validated;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Validated, E> {
        Ok(Validated)
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Validated, E> {
        Ok(Validated)
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Validated, E> {
        Ok(Validated)
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Validated, E> {
        Ok(Validated)
    }
    fn visit_str<E: de::Error>(self, _: &str) -> Result<Validated, E> {
        Ok(Validated)
    }
    fn visit_unit<E: de::Error>(self) -> Result<Validated, E> {
        Ok(Validated)
    }
    fn visit_none<E: de::Error>(self) -> Result<Validated, E> {
        Ok(Validated)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Validated, D::Error> {
        Validated::deserialize(d)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Validated, A::Error> {
        while seq.next_element::<Validated>()?.is_some() {}
        Ok(Validated)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Validated, A::Error> {
        while map.next_entry::<Validated, Validated>()?.is_some() {}
        Ok(Validated)
    }
}

/// Reads a named claim's value.
struct ClaimSeed<'c, 'a>(&'c mut Ctx<'a>);

impl<'a> DeserializeSeed<'a> for ClaimSeed<'_, 'a> {
    type Value = Claim;
    fn deserialize<D: Deserializer<'a>>(self, d: D) -> Result<Claim, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'a> Visitor<'a> for ClaimSeed<'_, 'a> {
    type Value = Claim;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_borrowed_str<E: de::Error>(self, v: &'a str) -> Result<Claim, E> {
        Ok(Claim::Str(self.0.borrowed(v)))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Claim, E> {
        Ok(Claim::Str(self.0.owned(v)))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Claim, E> {
        Ok(Claim::Int(v))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Claim, E> {
        Ok(i64::try_from(v).map_or(Claim::Other, Claim::Int))
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Claim, E> {
        Ok(Claim::Other)
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Claim, E> {
        Ok(Claim::Other)
    }
    fn visit_unit<E: de::Error>(self) -> Result<Claim, E> {
        Ok(Claim::Other)
    }
    fn visit_none<E: de::Error>(self) -> Result<Claim, E> {
        Ok(Claim::Other)
    }
    fn visit_some<D: Deserializer<'a>>(self, d: D) -> Result<Claim, D::Error> {
        d.deserialize_any(self)
    }
    fn visit_seq<A: SeqAccess<'a>>(self, mut seq: A) -> Result<Claim, A::Error> {
        let ctx = self.0;
        let start = ctx.lists.len();
        while let Some(is_str) = seq.next_element_seed(ItemSeed(ctx))? {
            if !is_str {
                // Not a list of strings: the rest is only validated.
                while seq.next_element::<Validated>()?.is_some() {}
                ctx.lists.truncate(start);
                return Ok(Claim::Other);
            }
        }
        Ok(Claim::StrList(Span {
            start: pos(start),
            end: pos(ctx.lists.len()),
        }))
    }
    fn visit_map<A: MapAccess<'a>>(self, map: A) -> Result<Claim, A::Error> {
        ValidatedVisitor.visit_map(map).map(|_| Claim::Other)
    }
}

/// Reads an array item: a string is added to `lists` (`true`), anything else validated
/// (`false`).
struct ItemSeed<'c, 'a>(&'c mut Ctx<'a>);

impl<'a> DeserializeSeed<'a> for ItemSeed<'_, 'a> {
    type Value = bool;
    fn deserialize<D: Deserializer<'a>>(self, d: D) -> Result<bool, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'a> Visitor<'a> for ItemSeed<'_, 'a> {
    type Value = bool;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_borrowed_str<E: de::Error>(self, v: &'a str) -> Result<bool, E> {
        let span = self.0.borrowed(v);
        self.0.lists.push(span);
        Ok(true)
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<bool, E> {
        let span = self.0.owned(v);
        self.0.lists.push(span);
        Ok(true)
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<bool, E> {
        Ok(false)
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<bool, E> {
        Ok(false)
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<bool, E> {
        Ok(false)
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<bool, E> {
        Ok(false)
    }
    fn visit_unit<E: de::Error>(self) -> Result<bool, E> {
        Ok(false)
    }
    fn visit_none<E: de::Error>(self) -> Result<bool, E> {
        Ok(false)
    }
    fn visit_some<D: Deserializer<'a>>(self, d: D) -> Result<bool, D::Error> {
        d.deserialize_any(self)
    }
    fn visit_seq<A: SeqAccess<'a>>(self, seq: A) -> Result<bool, A::Error> {
        ValidatedVisitor.visit_seq(seq).map(|_| false)
    }
    fn visit_map<A: MapAccess<'a>>(self, map: A) -> Result<bool, A::Error> {
        ValidatedVisitor.visit_map(map).map(|_| false)
    }
}

/// A claim name, borrowed from the payload unless it has escapes.
struct Key<'a>(Cow<'a, str>);

impl<'de: 'a, 'a> Deserialize<'de> for Key<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<'a>(std::marker::PhantomData<&'a ()>);
        impl<'de: 'a, 'a> Visitor<'de> for V<'a> {
            type Value = Key<'a>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a claim name")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Key<'a>, E> {
                Ok(Key(Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Key<'a>, E> {
                Ok(Key(Cow::Owned(v.to_owned())))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Key<'a>, E> {
                Ok(Key(Cow::Owned(v)))
            }
        }
        d.deserialize_str(V(std::marker::PhantomData))
    }
}

/// The names of the unnamed claims read so far, for duplicate detection: the first few (the
/// usual case) in place and compared in turn, the others (and names with escapes) hashed.
struct SeenNames<'a> {
    inline: [&'a str; SeenNames::INLINE],
    len: usize,
    spill: Option<HashSet<Cow<'a, str>>>,
}

impl<'a> SeenNames<'a> {
    const INLINE: usize = 16;

    fn new() -> Self {
        Self {
            inline: [""; Self::INLINE],
            len: 0,
            spill: None,
        }
    }

    /// Adds `name`; `false` if it was already there.
    fn insert(&mut self, name: Cow<'a, str>) -> bool {
        let inline = self.inline.get(..self.len).unwrap_or_default();
        if inline.contains(&&*name) || self.spill.as_ref().is_some_and(|s| s.contains(&*name)) {
            return false;
        }
        match name {
            Cow::Borrowed(n) if self.len < Self::INLINE => {
                self.inline[self.len] = n;
                self.len += 1;
            }
            other => {
                self.spill.get_or_insert_with(HashSet::new).insert(other);
            }
        }
        true
    }
}

/// The one pass over the claims object.
struct ParseInto<'c, 'a> {
    ctx: &'c mut Ctx<'a>,
    fields: &'c mut Fields,
}

impl<'a> Visitor<'a> for ParseInto<'_, 'a> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object of claims")
    }
    fn visit_map<A: MapAccess<'a>>(self, mut map: A) -> Result<(), A::Error> {
        let Self { ctx, fields } = self;
        let mut names = SeenNames::new();
        while let Some(Key(name)) = map.next_key::<Key<'a>>()? {
            if let Some(which) = Named::from_name(&name) {
                let bit = which as u16;
                if fields.seen & bit != 0 {
                    return Err(de::Error::custom("duplicate claim"));
                }
                fields.seen |= bit;
                let claim = map.next_value_seed(ClaimSeed(ctx))?;
                fields.set(which, claim);
            } else {
                if !names.insert(name) {
                    return Err(de::Error::custom("duplicate claim"));
                }
                map.next_value::<Validated>()?;
            }
        }
        Ok(())
    }
}

/// Finds one claim of a verified payload, read as `T`.
fn find_claim<'a, T: Deserialize<'a>>(
    payload: &'a str,
    name: &str,
) -> Result<Option<T>, serde_json::Error> {
    struct Find<'n, T> {
        name: &'n str,
        marker: std::marker::PhantomData<T>,
    }
    impl<'a, T: Deserialize<'a>> Visitor<'a> for Find<'_, T> {
        type Value = Option<T>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a JSON object of claims")
        }
        fn visit_map<A: MapAccess<'a>>(self, mut map: A) -> Result<Option<T>, A::Error> {
            let mut found = None;
            while let Some(Key(name)) = map.next_key::<Key<'a>>()? {
                if found.is_none() && name == self.name {
                    found = Some(map.next_value::<T>()?);
                } else {
                    map.next_value::<IgnoredAny>()?;
                }
            }
            Ok(found)
        }
    }
    let mut de = serde_json::Deserializer::from_str(payload);
    de.deserialize_map(Find {
        name,
        marker: std::marker::PhantomData,
    })
}

/// Collects the claims the typed accessors do not return.
struct ExtraVisitor<'v>(View<'v>);

impl<'a> Visitor<'a> for ExtraVisitor<'_> {
    type Value = Map<String, Value>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object of claims")
    }
    fn visit_map<A: MapAccess<'a>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut out = Map::new();
        while let Some(Key(name)) = map.next_key::<Key<'a>>()? {
            if self.0.is_typed(&name) {
                map.next_value::<IgnoredAny>()?;
            } else {
                let value = map.next_value::<Value>()?;
                out.insert(name.into_owned(), value);
            }
        }
        Ok(out)
    }
}

/// A payload after its one pass, borrowed from the decode buffer: the checks run on this, and
/// only a token that passes them is copied into a [`Claims`].
pub(crate) struct Parsed<'a> {
    payload: &'a str,
    side: String,
    lists: SpanList,
    f: Fields,
}

impl Parsed<'_> {
    fn view(&self) -> View<'_> {
        View {
            text: Text {
                payload: self.payload,
                side: &self.side,
            },
            lists: self.lists.as_slice(),
            f: &self.f,
        }
    }

    pub(crate) fn iss(&self) -> Option<&str> {
        self.view().str(self.f.iss())
    }

    pub(crate) fn has_sub(&self) -> bool {
        self.f.has(Named::Sub)
    }

    pub(crate) fn aud(&self) -> Option<Audience<'_>> {
        self.view().aud()
    }

    pub(crate) fn exp(&self) -> Option<i64> {
        self.f.exp()
    }

    pub(crate) fn iat(&self) -> Option<i64> {
        self.f.iat()
    }

    pub(crate) fn nbf(&self) -> Option<i64> {
        self.f.nbf()
    }

    pub(crate) fn auth_time(&self) -> Option<i64> {
        self.f.auth_time()
    }

    pub(crate) fn azp(&self) -> Option<&str> {
        self.view().str(self.f.azp())
    }

    pub(crate) fn nonce(&self) -> Option<&str> {
        self.view().str(self.f.nonce())
    }

    pub(crate) fn org_id(&self) -> Option<&str> {
        self.view().str(self.f.org_id())
    }

    pub(crate) fn org_name(&self) -> Option<&str> {
        self.view().str(self.f.org_name())
    }

    pub(crate) fn has_scope(&self, scope: &str) -> bool {
        self.view()
            .str(self.f.scope())
            .unwrap_or("")
            .split_ascii_whitespace()
            .any(|s| s == scope)
    }

    pub(crate) fn has_permission(&self, permission: &str) -> bool {
        self.view()
            .permissions()
            .is_some_and(|p| p.contains(permission))
    }

    /// Whether `nbf` is present with a type other than an integer.
    pub(crate) fn nbf_ill_typed(&self) -> bool {
        self.f.seen & Named::Nbf as u16 != 0 && !self.f.has(Named::Nbf)
    }

    /// The claims, once the checks passed: one copy of the payload text (and of the unescaped
    /// strings, if any), in one allocation; the list items move (in place up to four).
    pub(crate) fn into_claims(self) -> Claims {
        let mut text = String::with_capacity(self.payload.len() + self.side.len());
        text.push_str(self.payload);
        text.push_str(&self.side);
        Claims {
            text: text.into_boxed_str(),
            payload_len: pos(self.payload.len()),
            lists: self.lists,
            f: self.f,
        }
    }
}

/// Parses a (signature-checked) payload in one pass.
///
/// UTF-8 is validated once for the whole payload, so the JSON reader need not validate each
/// string again (`from_slice` would); a byte that is not UTF-8 fails either way.
pub(crate) fn parse(payload: &[u8]) -> Result<Parsed<'_>, crate::Error> {
    let Ok(text) = std::str::from_utf8(payload) else {
        return Err(crate::Error::MalformedPayload);
    };
    if text.len() > MAX_PAYLOAD_BYTES {
        return Err(crate::Error::MalformedPayload);
    }
    let mut ctx = Ctx {
        payload: text,
        side: String::new(),
        lists: SpanList::new(),
    };
    let mut fields = Fields::default();
    let mut de = serde_json::Deserializer::from_str(text);
    let read = de
        .deserialize_map(ParseInto {
            ctx: &mut ctx,
            fields: &mut fields,
        })
        .and_then(|()| de.end());
    match read {
        Ok(()) => Ok(Parsed {
            payload: text,
            side: ctx.side,
            lists: ctx.lists,
            f: fields,
        }),
        Err(_) => Err(crate::Error::MalformedPayload),
    }
}
