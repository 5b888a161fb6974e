//! SAML 2.0 and WS-Federation identity-provider metadata, carrying the signing certificate.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use http::StatusCode;

use crate::errors;
use crate::tenant::{Shared, lock};
use crate::wire::Resp;

/// The certificate (base64 DER) of the signing key, or of the newest published RSA key.
fn certificate(shared: &Shared) -> Option<String> {
    let keys = lock(&shared.keys);
    let signing = keys.signing();
    if let Some(cert) = signing.certificate() {
        return Some(STANDARD.encode(cert));
    }
    keys.published_kids()
        .iter()
        .rev()
        .filter_map(|kid| keys.published(kid))
        .find_map(|k| k.certificate().map(|c| STANDARD.encode(c)))
}

fn entity_id(shared: &Shared) -> String {
    let host = shared.base_url.trim_start_matches("http://");
    format!("urn:{host}")
}

fn xml(body: String) -> Resp {
    Resp::text(StatusCode::OK, "application/xml; charset=utf-8", body)
}

/// `GET /samlp/metadata/{client_id}`.
pub(crate) fn saml(shared: &Shared, client_id: &str) -> Resp {
    if lock(&shared.store).client(client_id).is_none() {
        return errors::authn(404, "not_found", &format!("Unknown client: {client_id}"));
    }
    let Some(cert) = certificate(shared) else {
        return errors::authn(
            500,
            "server_error",
            "No RSA signing certificate is published",
        );
    };
    let base = &shared.base_url;
    let entity = entity_id(shared);
    xml(format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<EntityDescriptor entityID="{entity}" xmlns="urn:oasis:names:tc:SAML:2.0:metadata">
  <IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">
    <KeyDescriptor use="signing">
      <KeyInfo xmlns="http://www.w3.org/2000/09/xmldsig#">
        <X509Data>
          <X509Certificate>{cert}</X509Certificate>
        </X509Data>
      </KeyInfo>
    </KeyDescriptor>
    <SingleLogoutService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="{base}/samlp/{client_id}/logout"/>
    <SingleLogoutService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="{base}/samlp/{client_id}/logout"/>
    <NameIDFormat>urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress</NameIDFormat>
    <NameIDFormat>urn:oasis:names:tc:SAML:2.0:nameid-format:persistent</NameIDFormat>
    <NameIDFormat>urn:oasis:names:tc:SAML:2.0:nameid-format:transient</NameIDFormat>
    <SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="{base}/samlp/{client_id}"/>
    <SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="{base}/samlp/{client_id}"/>
  </IDPSSODescriptor>
</EntityDescriptor>
"#
    ))
}

/// `GET /wsfed/FederationMetadata/2007-06/FederationMetadata.xml`.
pub(crate) fn wsfed(shared: &Shared) -> Resp {
    let Some(cert) = certificate(shared) else {
        return errors::authn(
            500,
            "server_error",
            "No RSA signing certificate is published",
        );
    };
    let base = &shared.base_url;
    let entity = entity_id(shared);
    xml(format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<EntityDescriptor entityID="{entity}" xmlns="urn:oasis:names:tc:SAML:2.0:metadata">
  <RoleDescriptor xsi:type="fed:SecurityTokenServiceType" protocolSupportEnumeration="http://docs.oasis-open.org/wsfed/federation/200706" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:fed="http://docs.oasis-open.org/wsfed/federation/200706">
    <KeyDescriptor use="signing">
      <KeyInfo xmlns="http://www.w3.org/2000/09/xmldsig#">
        <X509Data>
          <X509Certificate>{cert}</X509Certificate>
        </X509Data>
      </KeyInfo>
    </KeyDescriptor>
    <fed:TokenTypesOffered>
      <fed:TokenType Uri="urn:oasis:names:tc:SAML:2.0:assertion"/>
      <fed:TokenType Uri="urn:oasis:names:tc:SAML:1.0:assertion"/>
    </fed:TokenTypesOffered>
    <fed:PassiveRequestorEndpoint>
      <EndpointReference xmlns="http://www.w3.org/2005/08/addressing">
        <Address>{base}/wsfed</Address>
      </EndpointReference>
    </fed:PassiveRequestorEndpoint>
  </RoleDescriptor>
</EntityDescriptor>
"#
    ))
}
