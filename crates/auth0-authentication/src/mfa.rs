//! Multi-factor authentication: challenge, enrolment, listing and deleting authenticators.

use http::Method;

use auth0_core::{Error, SecretString};

use crate::client::{AuthenticationClient, segment};
use crate::request::{Call, Caller, Encoding, Fields};
use crate::types::{AssociateResponse, Authenticator, ChallengeResponse};

/// A challenge request for `/mfa/challenge`.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct MfaChallenge {
    mfa_token: SecretString,
    challenge_type: Option<String>,
    authenticator_id: Option<String>,
}

impl MfaChallenge {
    /// Challenge the user of this `mfa_token` (from an `mfa_required` error).
    pub fn new(mfa_token: impl Into<SecretString>) -> Self {
        Self {
            mfa_token: mfa_token.into(),
            challenge_type: None,
            authenticator_id: None,
        }
    }

    /// Accepted challenge types, space-separated: `otp`, `oob` or `otp oob`.
    #[must_use]
    pub fn challenge_type(mut self, types: impl Into<String>) -> Self {
        self.challenge_type = Some(types.into());
        self
    }

    /// Challenge this authenticator (from [`MfaApi::authenticators`]).
    #[must_use]
    pub fn authenticator_id(mut self, id: impl Into<String>) -> Self {
        self.authenticator_id = Some(id.into());
        self
    }
}

/// What to enrol with `/mfa/associate`.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum MfaAssociate {
    /// A TOTP app.
    Otp,
    /// An SMS or voice number.
    Phone {
        /// `sms` or `voice`.
        channel: String,
        /// The number, E.164.
        phone_number: String,
    },
    /// An e-mail address.
    Email {
        /// The address.
        email: String,
    },
    /// Auth0 Guardian push.
    Push,
}

impl MfaAssociate {
    /// An SMS number.
    pub fn sms(phone_number: impl Into<String>) -> Self {
        Self::Phone {
            channel: "sms".to_owned(),
            phone_number: phone_number.into(),
        }
    }

    fn fields(self) -> Fields {
        match self {
            Self::Otp => Fields::new().put("authenticator_types", vec!["otp"]),
            Self::Phone {
                channel,
                phone_number,
            } => Fields::new()
                .put("authenticator_types", vec!["oob"])
                .put("oob_channels", vec![channel])
                .put("phone_number", phone_number),
            Self::Email { email } => Fields::new()
                .put("authenticator_types", vec!["oob"])
                .put("oob_channels", vec!["email"])
                .put("email", email),
            Self::Push => Fields::new()
                .put("authenticator_types", vec!["oob"])
                .put("oob_channels", vec!["auth0"]),
        }
    }
}

/// MFA API calls. Verifying a challenge is a grant: see
/// [`TokenApi::mfa_otp`](crate::TokenApi::mfa_otp),
/// [`mfa_oob`](crate::TokenApi::mfa_oob) and
/// [`mfa_recovery_code`](crate::TokenApi::mfa_recovery_code). Get it with
/// [`AuthenticationClient::mfa`].
#[derive(Debug, Clone, Copy)]
pub struct MfaApi<'a> {
    client: &'a AuthenticationClient,
}

impl AuthenticationClient {
    /// MFA: challenge, enrol, list and delete authenticators.
    pub fn mfa(&self) -> MfaApi<'_> {
        MfaApi { client: self }
    }
}

impl MfaApi<'_> {
    /// Start a challenge (sends the SMS / push, or tells which OTP to ask for).
    pub async fn challenge(self, req: MfaChallenge) -> Result<ChallengeResponse, Error> {
        let fields = Fields::new()
            .put("mfa_token", req.mfa_token.expose_secret())
            .opt("challenge_type", req.challenge_type)
            .opt("authenticator_id", req.authenticator_id);
        let call = Call::post("/mfa/challenge", Caller::Client, Encoding::Json, fields);
        self.client.json(&call, "MFA challenge response").await
    }

    /// Enrol a new authenticator, with an `mfa_token` (or an access token for the
    /// `https://{domain}/mfa/` audience).
    pub async fn associate(
        self,
        mfa_token: impl Into<SecretString>,
        what: MfaAssociate,
    ) -> Result<AssociateResponse, Error> {
        let call = Call::post(
            "/mfa/associate",
            Caller::BearerAndClient(mfa_token.into()),
            Encoding::Json,
            what.fields(),
        );
        self.client.json(&call, "MFA associate response").await
    }

    /// The user's authenticators.
    pub async fn authenticators(
        self,
        mfa_token: impl Into<SecretString>,
    ) -> Result<Vec<Authenticator>, Error> {
        let call = Call::get("/mfa/authenticators", Caller::Bearer(mfa_token.into()));
        self.client.json(&call, "MFA authenticators").await
    }

    /// Delete one of the user's authenticators.
    pub async fn delete_authenticator(
        self,
        mfa_token: impl Into<SecretString>,
        authenticator_id: &str,
    ) -> Result<(), Error> {
        let call = Call::new(
            Method::DELETE,
            format!("/mfa/authenticators/{}", segment(authenticator_id)),
            Caller::Bearer(mfa_token.into()),
        );
        self.client.empty(&call).await
    }
}
