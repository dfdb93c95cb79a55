//! Avatars (issue 16): the URL each vendor documents, and every fault of fetching and decoding
//! one against a loopback mock: not https, 404, not an image, a 20 MB body, a decompression
//! bomb (a tiny PNG claiming 50,000×50,000 pixels) — each a one-line note, with the decoder
//! refusing the bomb from its header before allocating pixels.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss,
    clippy::cast_possible_wrap,
    clippy::cast_precision_loss,
    reason = "a test stops at its first broken expectation; its own numbers are not from the network"
)]

use userscope::avatar::{self, AvatarError, Transport};
use userscope::config::HttpSettings;
use userscope::vendors::VendorKind;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn vendor(name: &str) -> VendorKind {
    VendorKind::parse(name).unwrap()
}

fn rich_profile(vendor: VendorKind) -> userscope::profile::Profile {
    let user = userscope::demo::users(vendor)
        .iter()
        .find(|u| u.label == "rich")
        .unwrap();
    vendor
        .adapter()
        .normalize(serde_json::from_str(user.body).unwrap())
        .unwrap()
        .profile
}

#[test]
fn each_vendor_names_its_documented_avatar_field() {
    let url = |name: &str| {
        vendor(name)
            .adapter()
            .avatar_url(&rich_profile(vendor(name)))
    };
    assert_eq!(
        url("usercom").as_deref(),
        Some("https://www.gravatar.com/avatar/6c1e9b2d3f4a5b6c7d8e9f0a1b2c3d4e")
    );
    assert_eq!(
        url("foldspace").as_deref(),
        Some(
            "https://lh3.googleusercontent.com/a/AcBcqILXSthaPBfUYlnMPF9msfBbPUojM0_BYjtq0dG8vJshWF_wg=s96-c"
        )
    );
    assert_eq!(
        url("chakra").as_deref(),
        Some("https://cdn.chakrahq.example/u/9763caa1/avatar.jpg")
    );
    assert_eq!(
        url("vemetric").as_deref(),
        Some("https://cdn.example.com/avatars/john-carter.png")
    );
    // Coho documents no picture.
    assert_eq!(url("coho"), None);
}

#[test]
fn only_https_is_loaded_and_plain_http_only_to_loopback_in_tests() {
    assert_eq!(
        avatar::check_url("http://cdn.example.com/a.png", Transport::HttpsOnly),
        Err(AvatarError::NotHttps("http".to_owned()))
    );
    assert_eq!(
        avatar::check_url("http://cdn.example.com/a.png", Transport::AllowLoopbackHttp),
        Err(AvatarError::NotHttps("http".to_owned()))
    );
    assert_eq!(
        avatar::check_url("http://127.0.0.1:9/a.png", Transport::HttpsOnly),
        Err(AvatarError::NotHttps("http".to_owned()))
    );
    assert_eq!(
        avatar::check_url("file:///etc/passwd", Transport::AllowLoopbackHttp),
        Err(AvatarError::NotHttps("file".to_owned()))
    );
    assert_eq!(
        avatar::check_url("not a url", Transport::HttpsOnly),
        Err(AvatarError::BadUrl)
    );
    assert!(avatar::check_url("https://cdn.example.com/a.png", Transport::HttpsOnly).is_ok());
    assert_eq!(
        AvatarError::NotHttps("http".to_owned()).note(),
        "no avatar: only https URLs are loaded (this one is http)"
    );
}

/// The CRC-32 of a PNG chunk (type and data), to build PNGs by hand.
fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for b in bytes {
        crc ^= u32::from(*b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

fn chunk(kind: &[u8; 4], data: &[u8]) -> Vec<u8> {
    let mut out = (data.len() as u32).to_be_bytes().to_vec();
    let mut typed = kind.to_vec();
    typed.extend_from_slice(data);
    out.extend_from_slice(&typed);
    out.extend_from_slice(&crc32(&typed).to_be_bytes());
    out
}

/// A PNG of under 100 bytes whose header claims `width`×`height` RGBA pixels (a
/// decompression bomb: 50,000² RGBA is 10 GB once decoded).
fn png_claiming(width: u32, height: u32) -> Vec<u8> {
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut ihdr = width.to_be_bytes().to_vec();
    ihdr.extend_from_slice(&height.to_be_bytes());
    ihdr.extend_from_slice(&[8, 6, 0, 0, 0]);
    png.extend(chunk(b"IHDR", &ihdr));
    // A zlib stream of nothing (stored, final, empty block): the rest would be "missing".
    png.extend(chunk(
        b"IDAT",
        &[
            0x78, 0x01, 0x01, 0x00, 0x00, 0xFF, 0xFF, 0x00, 0x00, 0x00, 0x01,
        ],
    ));
    png.extend(chunk(b"IEND", &[]));
    png
}

/// A real 2×1 PNG: a red and a blue pixel.
fn tiny_png() -> Vec<u8> {
    let img = image::RgbaImage::from_raw(2, 1, vec![255, 0, 0, 255, 0, 0, 255, 255]).unwrap();
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png).unwrap();
    out.into_inner()
}

#[test]
fn a_decompression_bomb_is_refused_from_its_header() {
    let bomb = png_claiming(50_000, 50_000);
    assert!(bomb.len() < 100, "{}", bomb.len());
    let started = std::time::Instant::now();
    assert_eq!(
        avatar::decode(&bomb).unwrap_err(),
        AvatarError::TooManyPixels {
            width: 50_000,
            height: 50_000
        }
    );
    // Refused from the header: no 10 GB allocation, no time spent inflating.
    assert!(started.elapsed() < std::time::Duration::from_secs(1));
    assert_eq!(
        avatar::decode(&bomb).unwrap_err().note(),
        "no avatar: 50000×50000 pixels is more than 4096×4096"
    );
}

#[test]
fn a_real_image_decodes_and_other_bytes_do_not() {
    let img = avatar::decode(&tiny_png()).unwrap();
    assert_eq!((img.width(), img.height()), (2, 1));
    assert_eq!(img.to_rgba8().get_pixel(1, 0).0, [0, 0, 255, 255]);
    assert_eq!(
        avatar::decode(b"<!doctype html><p>hi").unwrap_err(),
        AvatarError::NotAnImage
    );
    assert_eq!(avatar::decode(b"").unwrap_err(), AvatarError::NotAnImage);
    // A PNG signature with a broken body.
    let mut cut = tiny_png();
    cut.truncate(40);
    assert_eq!(avatar::decode(&cut).unwrap_err(), AvatarError::Undecodable);
}

async fn server_with(route: &str, response: ResponseTemplate) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(route))
        .respond_with(response)
        .mount(&server)
        .await;
    server
}

async fn load(server: &MockServer, route: &str) -> Result<image::DynamicImage, AvatarError> {
    let client = avatar::client(&HttpSettings::default()).unwrap();
    let url = format!("{}{route}", server.uri());
    assert!(url.starts_with("http://127.0.0.1:"), "{url}");
    avatar::load(
        &client,
        &url,
        Transport::AllowLoopbackHttp,
        vendor("vemetric"),
    )
    .await
}

#[tokio::test]
async fn every_fetch_fault_is_a_one_line_note() {
    let server = server_with("/missing.png", ResponseTemplate::new(404)).await;
    let err = load(&server, "/missing.png").await.unwrap_err();
    assert_eq!(err, AvatarError::Status(404));
    assert_eq!(err.note(), "no avatar: the host answered HTTP 404");

    let server = server_with(
        "/page.png",
        ResponseTemplate::new(200)
            .insert_header("content-type", "image/png")
            .set_body_string("<html>not a picture</html>"),
    )
    .await;
    assert_eq!(
        load(&server, "/page.png").await.unwrap_err(),
        AvatarError::NotAnImage
    );

    let huge = vec![0u8; 20 * 1024 * 1024];
    let server = server_with("/huge.png", ResponseTemplate::new(200).set_body_bytes(huge)).await;
    let err = load(&server, "/huge.png").await.unwrap_err();
    assert_eq!(err, AvatarError::TooLarge);
    assert_eq!(err.note(), "no avatar: larger than 5 MiB");

    let server = server_with(
        "/bomb.png",
        ResponseTemplate::new(200).set_body_bytes(png_claiming(50_000, 50_000)),
    )
    .await;
    assert_eq!(
        load(&server, "/bomb.png").await.unwrap_err(),
        AvatarError::TooManyPixels {
            width: 50_000,
            height: 50_000
        }
    );
}

#[tokio::test]
async fn a_good_avatar_loads_with_no_key_and_no_cookie_sent() {
    let server = server_with(
        "/me.png",
        ResponseTemplate::new(200)
            .insert_header("set-cookie", "track=1")
            .set_body_bytes(tiny_png()),
    )
    .await;
    let img = load(&server, "/me.png").await.unwrap();
    assert_eq!((img.width(), img.height()), (2, 1));
    // Twice: a cookie set by the first answer is not sent back.
    load(&server, "/me.png").await.unwrap();
    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 2);
    for r in &requests {
        for header in ["authorization", "cookie", "x-api-key", "api-key"] {
            assert!(
                !r.headers.contains_key(header),
                "{header} sent: {:?}",
                r.headers
            );
        }
    }
}
