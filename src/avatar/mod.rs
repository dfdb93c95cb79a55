//! A profile's avatar, on request only: its URL checked (https only; plain http to loopback
//! only where a test allows it), fetched through the shared HTTP client with no key, no
//! cookies, a 5 MiB cap and the usual timeouts, and decoded under pixel and memory limits so a
//! decompression bomb is refused from its header. Loading an image tells its host the
//! operator's address: nothing here runs unless the operator asked (`i`, or
//! `[tui] avatars = true`).

use std::io::Cursor;

use image::{DynamicImage, ImageReader, Limits};
use url::Url;

use crate::config::HttpSettings;
use crate::error::LookupError;
use crate::http::{HttpClient, Outgoing, is_loopback};
use crate::vendors::VendorKind;

/// The largest avatar body read (a picture, not a download).
pub const MAX_BYTES_MIB: u64 = 5;
/// The widest and tallest image decoded.
pub const MAX_SIDE: u32 = 4096;
/// Memory the decoder may allocate for one image.
pub const MAX_ALLOC_BYTES: u64 = 64 * 1024 * 1024;

/// Why there is no picture; `note` is the one line shown where it would be.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum AvatarError {
    #[error("no avatar: the URL is not a valid URL")]
    BadUrl,
    #[error("no avatar: only https URLs are loaded (this one is {0})")]
    NotHttps(String),
    #[error("no avatar: the host answered HTTP {0}")]
    Status(u16),
    #[error("no avatar: larger than {MAX_BYTES_MIB} MiB")]
    TooLarge,
    #[error("no avatar: not a PNG, JPEG, GIF or WebP image")]
    NotAnImage,
    #[error("no avatar: {width}×{height} pixels is more than {MAX_SIDE}×{MAX_SIDE}")]
    TooManyPixels { width: u32, height: u32 },
    #[error("no avatar: the image could not be decoded")]
    Undecodable,
    #[error("no avatar: {0}")]
    Network(String),
}

impl AvatarError {
    /// The one line shown where the picture would be (sanitized: it may quote a host).
    pub fn note(&self) -> String {
        crate::sanitize::sanitize(&self.to_string()).into_owned()
    }
}

/// Whether plain http may be used: never in the app; to loopback in tests.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Transport {
    HttpsOnly,
    /// Tests' mock servers on 127.0.0.1: plain http to loopback, https anywhere.
    AllowLoopbackHttp,
}

/// The URL, if it may be fetched.
pub fn check_url(text: &str, transport: Transport) -> Result<Url, AvatarError> {
    let url = Url::parse(text.trim()).map_err(|_| AvatarError::BadUrl)?;
    match url.scheme() {
        "https" => Ok(url),
        "http" if transport == Transport::AllowLoopbackHttp && is_loopback(&url) => Ok(url),
        other => Err(AvatarError::NotHttps(other.to_owned())),
    }
}

/// The HTTP client for avatars: the shared client's timeouts with the avatar body cap.
pub fn client(settings: &HttpSettings) -> Result<HttpClient, AvatarError> {
    let mut settings = settings.clone();
    settings.max_body_mib = settings.max_body_mib.min(MAX_BYTES_MIB);
    HttpClient::new(&settings).map_err(|e| AvatarError::Network(e.to_string()))
}

/// GET the image: no key, no secret header, nothing but the URL the profile names.
pub async fn fetch(
    client: &HttpClient,
    url: &Url,
    vendor: VendorKind,
) -> Result<bytes::Bytes, AvatarError> {
    let out = Outgoing {
        method: reqwest::Method::GET,
        url,
        headers: &[],
        auth: None,
        json_body: None,
        secrets: &[],
    };
    let received = client
        .execute(
            &out,
            vendor,
            None,
            &tokio_util::sync::CancellationToken::new(),
        )
        .await
        .map_err(|e| match e {
            LookupError::TooLarge { .. } => AvatarError::TooLarge,
            other => AvatarError::Network(other.to_string()),
        })?;
    if !(200..300).contains(&received.status) {
        return Err(AvatarError::Status(received.status));
    }
    Ok(received.body)
}

/// Decode under limits: the format is read from the bytes (not from a header the host sets),
/// and the dimensions from the image header before any pixel is allocated.
pub fn decode(bytes: &[u8]) -> Result<DynamicImage, AvatarError> {
    let reader = ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|_| AvatarError::NotAnImage)?;
    let Some(format) = reader.format() else {
        return Err(AvatarError::NotAnImage);
    };
    if !matches!(
        format,
        image::ImageFormat::Png
            | image::ImageFormat::Jpeg
            | image::ImageFormat::Gif
            | image::ImageFormat::WebP
    ) {
        return Err(AvatarError::NotAnImage);
    }
    let (width, height) = reader
        .into_dimensions()
        .map_err(|_| AvatarError::Undecodable)?;
    if width > MAX_SIDE || height > MAX_SIDE {
        return Err(AvatarError::TooManyPixels { width, height });
    }
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(MAX_ALLOC_BYTES);
    reader.limits(limits);
    reader.decode().map_err(|e| match e {
        image::ImageError::Limits(_) => AvatarError::TooManyPixels { width, height },
        _ => AvatarError::Undecodable,
    })
}

/// Fetch and decode (the decode off the async threads): what the avatar task runs.
pub async fn load(
    client: &HttpClient,
    url_text: &str,
    transport: Transport,
    vendor: VendorKind,
) -> Result<DynamicImage, AvatarError> {
    let url = check_url(url_text, transport)?;
    let body = fetch(client, &url, vendor).await?;
    tokio::task::spawn_blocking(move || decode(&body))
        .await
        .map_err(|_| AvatarError::Undecodable)?
}
