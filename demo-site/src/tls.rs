//! The stand-in trackers' TLS: one self-signed certificate, generated at start-up with rcgen,
//! naming every stand-in host. Browsers accept it only when told to (`--ignore-certificate-errors`
//! in demo and test runs), which is the point: nothing here can pass for the real hosts.

use std::sync::Arc;

use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use rustls::ServerConfig;

use crate::DemoError;

/// A rustls server configuration with a fresh certificate for `hosts`, and that certificate (DER).
pub fn server_config(hosts: &[&str]) -> Result<(Arc<ServerConfig>, Vec<u8>), DemoError> {
    let names: Vec<String> = hosts.iter().map(|h| h.to_string()).collect();
    let certified = rcgen::generate_simple_self_signed(names)
        .map_err(|e| DemoError::Tls(format!("cannot generate the certificate: {e}")))?;
    let cert: CertificateDer<'static> = certified.cert.der().clone();
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(
        certified.signing_key.serialize_der(),
    ));
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| DemoError::Tls(e.to_string()))?
        .with_no_client_auth()
        .with_single_cert(vec![cert.clone()], key)
        .map_err(|e| DemoError::Tls(e.to_string()))?;
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok((Arc::new(config), cert.as_ref().to_vec()))
}
