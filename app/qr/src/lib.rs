//! Decoding QR codes from camera frame pixels, on the device.
//!
//! Pure Rust on top of [`rqrr`] (built without its `image` feature), so it compiles for
//! `wasm32-unknown-unknown` and needs no JavaScript decoder. Feed it the pixels of a
//! canvas (`CanvasRenderingContext2d::get_image_data(..).data()`, RGBA, row-major, no
//! padding) or a greyscale buffer.
//!
//! A crate of its own, built into a wasm module of its own (`ffi`, loaded by the app's
//! scanner only when the browser has no `BarcodeDetector`): rqrr's Galois-field
//! multiplication table is 64 KB that brotli cannot shrink, and in the app's wasm it sat in
//! the main module's data, which code splitting cannot move, costing every first visit.
//!
//! The work grows with the pixel count: scale the video down to about 640 px on the long
//! side when drawing it onto the canvas rather than decoding full-HD frames.

/// Decode the first QR code found in an RGBA frame (4 bytes a pixel, row-major, as from
/// a canvas `getImageData`). Transparent pixels count as white.
///
/// Returns `None` when no code could be read, or when `rgba.len() != width * height * 4`.
pub fn decode_rgba(width: u32, height: u32, rgba: &[u8]) -> Option<String> {
    let pixels = pixel_count(width, height)?;
    if rgba.len() != pixels.checked_mul(4)? {
        return None;
    }
    let luma: Vec<u8> = rgba
        .chunks_exact(4)
        .map(|p| rgba_to_luma(p[0], p[1], p[2], p[3]))
        .collect();
    decode_luma(width, height, &luma)
}

/// Decode the first QR code found in an 8-bit greyscale frame (1 byte a pixel, row-major,
/// 0 = black, 255 = white).
///
/// Dark-on-light codes are tried first, then the inverted image, so light-on-dark codes
/// (dark mode screens, some printed signs) are read too.
///
/// Returns `None` when no code could be read, or when `luma.len() != width * height`.
pub fn decode_luma(width: u32, height: u32, luma: &[u8]) -> Option<String> {
    let pixels = pixel_count(width, height)?;
    if luma.len() != pixels {
        return None;
    }
    let (w, h) = (width as usize, height as usize);
    for invert in [false, true] {
        let mut img = rqrr::PreparedImage::prepare_from_greyscale(w, h, |x, y| {
            let v = luma[y * w + x];
            if invert {
                255 - v
            } else {
                v
            }
        });
        let found = img.detect_grids().iter().find_map(|grid| {
            let mut bytes = Vec::new();
            grid.decode_to(&mut bytes).ok()?;
            Some(bytes_to_text(bytes))
        });
        if found.is_some() {
            return found;
        }
    }
    None
}

/// `width * height`, or `None` for an empty or overflowing frame.
fn pixel_count(width: u32, height: u32) -> Option<usize> {
    if width == 0 || height == 0 {
        return None;
    }
    (width as usize).checked_mul(height as usize)
}

/// ITU-R BT.601 luma in integer arithmetic, composited over white by alpha.
fn rgba_to_luma(r: u8, g: u8, b: u8, a: u8) -> u8 {
    let y = (77 * r as u32 + 150 * g as u32 + 29 * b as u32 + 128) >> 8;
    let a = a as u32;
    ((y * a + 255 * (255 - a) + 127) / 255) as u8
}

/// QR byte-mode payloads are UTF-8 by today's convention, but Russian generators still
/// emit Windows-1251 now and then; rqrr ignores ECI, so fall back to it for non-UTF-8 bytes.
fn bytes_to_text(bytes: Vec<u8>) -> String {
    match String::from_utf8(bytes) {
        Ok(s) => s,
        Err(e) => e.into_bytes().into_iter().map(cp1251_char).collect(),
    }
}

/// One Windows-1251 byte as a char (ASCII, Cyrillic letters and the common signs;
/// the rest of 0x80..=0xBF becomes U+FFFD).
fn cp1251_char(b: u8) -> char {
    match b {
        0x00..=0x7F => b as char,
        0xC0..=0xFF => char::from_u32(0x0410 + (b as u32 - 0xC0)).unwrap_or('\u{FFFD}'),
        0xA8 => 'Ё',
        0xB8 => 'ё',
        0xB9 => '№',
        0xA0 => '\u{00A0}',
        0xAB => '«',
        0xBB => '»',
        0x96 => '–',
        0x97 => '—',
        _ => '\u{FFFD}',
    }
}

#[cfg(target_arch = "wasm32")]
mod ffi;

#[cfg(test)]
mod tests {
    use super::*;
    use qrcode::{Color, EcLevel, QrCode};

    const N: &str = "27220011000100012345";

    /// Payloads as they may be printed on documents, and the number each must give.
    fn payloads() -> Vec<&'static str> {
        vec![
            // (a) a bare number
            "27220011000100012345",
            // (b) a link to the public page
            "https://proverki.gov.ru/portal/public-knm/view/27220011000100012345",
            // (c) a link with the number in a query parameter
            "https://proverki.gov.ru/portal/public-knm?knmId=27220011000100012345&utm_source=qr",
        ]
    }

    /// Deterministic xorshift noise.
    struct Rng(u64);
    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }
        fn noise(&mut self, amplitude: i32) -> i32 {
            (self.next() % (2 * amplitude as u64 + 1)) as i32 - amplitude
        }
    }

    /// How to draw a code into a frame.
    #[derive(Clone, Copy)]
    struct Scene {
        module_px: f64,
        quiet_modules: usize,
        frame: Option<(usize, usize)>,
        offset: (f64, f64),
        rotation_deg: f64,
        dark: u8,
        light: u8,
        background: u8,
        noise: i32,
        /// Left-to-right brightness ramp (uneven lighting), added to every pixel.
        gradient: i32,
        ec: EcLevel,
    }

    impl Default for Scene {
        fn default() -> Self {
            Scene {
                module_px: 4.0,
                quiet_modules: 4,
                frame: None,
                offset: (0.0, 0.0),
                rotation_deg: 0.0,
                dark: 0,
                light: 255,
                background: 255,
                noise: 0,
                gradient: 0,
                ec: EcLevel::M,
            }
        }
    }

    /// Render `text` as a QR code into a greyscale frame. Returns (width, height, luma).
    /// Each frame pixel averages 3x3 samples of the code at their inverse-rotated positions.
    fn render_luma(text: &str, s: Scene) -> (u32, u32, Vec<u8>) {
        let code = QrCode::with_error_correction_level(text.as_bytes(), s.ec).unwrap();
        let modules = code.width();
        let colors = code.to_colors();
        let side_modules = modules + 2 * s.quiet_modules;
        let side_px = side_modules as f64 * s.module_px;
        let (fw, fh) = s
            .frame
            .unwrap_or((side_px.ceil() as usize, side_px.ceil() as usize));
        let (sin, cos) = s.rotation_deg.to_radians().sin_cos();
        // Centre of the code in the frame.
        let (cx, cy) = (s.offset.0 + side_px / 2.0, s.offset.1 + side_px / 2.0);
        let mut rng = Rng(0x1234_5678_9ABC_DEF1);
        let mut out = Vec::with_capacity(fw * fh);
        // Code value at a frame point, by inverse rotation into code space.
        let sample = |px: f64, py: f64| -> f64 {
            let (dx, dy) = (px - cx, py - cy);
            let u = cos * dx + sin * dy + side_px / 2.0;
            let v = -sin * dx + cos * dy + side_px / 2.0;
            if u < 0.0 || v < 0.0 || u >= side_px || v >= side_px {
                return s.background as f64;
            }
            let (mx, my) = ((u / s.module_px) as usize, (v / s.module_px) as usize);
            let inside = |m: usize| m >= s.quiet_modules && m < s.quiet_modules + modules;
            if inside(mx) && inside(my) {
                match colors[(my - s.quiet_modules) * modules + (mx - s.quiet_modules)] {
                    Color::Dark => s.dark as f64,
                    Color::Light => s.light as f64,
                }
            } else {
                s.light as f64
            }
        };
        // 3x3 supersampling: edges come out grey, as through a lens, not jagged.
        const SS: usize = 3;
        for y in 0..fh {
            for x in 0..fw {
                let mut sum = 0.0;
                for sy in 0..SS {
                    for sx in 0..SS {
                        sum += sample(
                            x as f64 + (sx as f64 + 0.5) / SS as f64,
                            y as f64 + (sy as f64 + 0.5) / SS as f64,
                        );
                    }
                }
                let base = (sum / (SS * SS) as f64).round() as i32;
                let ramp = if fw > 1 {
                    s.gradient * x as i32 / (fw as i32 - 1)
                } else {
                    0
                };
                let noisy = base + ramp + if s.noise > 0 { rng.noise(s.noise) } else { 0 };
                out.push(noisy.clamp(0, 255) as u8);
            }
        }
        (fw as u32, fh as u32, out)
    }

    /// Expand greyscale to RGBA with a colour tint (as a camera would give), opaque.
    fn luma_to_rgba(luma: &[u8]) -> Vec<u8> {
        luma.iter()
            .flat_map(|&l| {
                // A warm tint: luma stays about the same, channels differ.
                let r = (l as u32 * 255 / 240).min(255) as u8;
                let g = l;
                let b = (l as u32 * 200 / 255) as u8;
                [r, g, b, 255]
            })
            .collect()
    }

    fn assert_number(decoded: Option<String>, payload: &str, what: &str) {
        let text = decoded.unwrap_or_else(|| panic!("{what}: no QR code decoded for {payload:?}"));
        assert_eq!(text, payload, "{what}");
        assert!(text.contains(N), "{what}");
    }

    fn check_scene(s: Scene, what: &str) {
        for payload in payloads() {
            let (w, h, luma) = render_luma(payload, s);
            assert_number(decode_luma(w, h, &luma), payload, &format!("{what} (luma)"));
            let rgba = luma_to_rgba(&luma);
            assert_number(decode_rgba(w, h, &rgba), payload, &format!("{what} (rgba)"));
        }
    }

    #[test]
    fn clean_codes_at_several_module_sizes() {
        for module_px in [2.0, 3.0, 5.0, 8.0] {
            check_scene(
                Scene {
                    module_px,
                    ..Scene::default()
                },
                &format!("module {module_px}px"),
            );
        }
    }

    #[test]
    fn every_error_correction_level() {
        for ec in [EcLevel::L, EcLevel::M, EcLevel::Q, EcLevel::H] {
            check_scene(
                Scene {
                    ec,
                    ..Scene::default()
                },
                &format!("{ec:?}"),
            );
        }
    }

    #[test]
    fn offset_in_a_camera_sized_frame_with_noise_and_uneven_light() {
        check_scene(
            Scene {
                module_px: 3.7,
                frame: Some((640, 480)),
                offset: (173.0, 91.0),
                dark: 40,
                light: 200,
                background: 120,
                noise: 30,
                gradient: 50,
                ..Scene::default()
            },
            "camera frame",
        );
    }

    #[test]
    fn rotated_in_a_frame() {
        // rqrr reads rotated codes reliably from about 6-8 px a module; at 3-4 px it misses
        // some angles (a live camera retries on the next frame anyway).
        for rotation_deg in [7.0, 33.0, 45.0, 90.0, 180.0] {
            check_scene(
                Scene {
                    module_px: 8.0,
                    frame: Some((560, 560)),
                    offset: (100.0, 90.0),
                    rotation_deg,
                    noise: 10,
                    background: 90,
                    ..Scene::default()
                },
                &format!("rotated {rotation_deg}°"),
            );
        }
    }

    #[test]
    fn inverted_colours() {
        check_scene(
            Scene {
                dark: 255,
                light: 0,
                background: 0,
                ..Scene::default()
            },
            "inverted",
        );
        check_scene(
            Scene {
                dark: 230,
                light: 25,
                background: 60,
                frame: Some((320, 240)),
                offset: (40.0, 12.0),
                module_px: 3.0,
                noise: 20,
                ..Scene::default()
            },
            "inverted, noisy, offset",
        );
    }

    #[test]
    fn without_quiet_zone_in_a_bigger_light_frame() {
        // A code printed edge to edge on a white page: the page gives the quiet zone.
        check_scene(
            Scene {
                quiet_modules: 0,
                frame: Some((300, 300)),
                offset: (50.0, 50.0),
                ..Scene::default()
            },
            "no quiet zone",
        );
    }

    #[test]
    fn two_codes_in_one_frame_give_one_of_them() {
        // Side by side on a white frame: the bare number (left) and the link (right).
        let (w, h, left) = render_luma(payloads()[0], Scene::default());
        let (w2, h2, right_full) = render_luma(payloads()[1], Scene::default());
        let fw = w as usize + w2 as usize;
        let fh = h.max(h2) as usize;
        let mut frame = vec![255u8; fw * fh];
        for y in 0..h as usize {
            frame[y * fw..y * fw + w as usize]
                .copy_from_slice(&left[y * w as usize..(y + 1) * w as usize]);
        }
        for y in 0..h2 as usize {
            let dst = y * fw + w as usize;
            frame[dst..dst + w2 as usize]
                .copy_from_slice(&right_full[y * w2 as usize..(y + 1) * w2 as usize]);
        }
        let text = decode_luma(fw as u32, fh as u32, &frame).expect("one of two codes");
        assert!(payloads()[..2].contains(&text.as_str()), "{text:?}");
    }

    /// Any link decodes as it is; which hosts count is `app::domain::erknm`'s business.
    #[test]
    fn foreign_link_decodes_as_it_is() {
        let payload = "https://example.com/portal/public-knm/view/27220011000100012345";
        let (w, h, luma) = render_luma(payload, Scene::default());
        assert_eq!(decode_luma(w, h, &luma).as_deref(), Some(payload));
    }

    #[test]
    fn frames_without_a_code_give_none() {
        let (w, h) = (320u32, 240u32);
        let n = (w * h) as usize;
        let mut rng = Rng(42);
        let frames: Vec<(&str, Vec<u8>)> = vec![
            ("white", vec![255; n]),
            ("black", vec![0; n]),
            (
                "grey noise",
                (0..n).map(|_| (rng.next() % 256) as u8).collect(),
            ),
            (
                "gradient",
                (0..n)
                    .map(|i| ((i % w as usize) * 255 / (w as usize - 1)) as u8)
                    .collect(),
            ),
            (
                "checkerboard",
                (0..n)
                    .map(|i| {
                        let (x, y) = (i % w as usize, i / w as usize);
                        if (x / 8 + y / 8) % 2 == 0 {
                            0
                        } else {
                            255
                        }
                    })
                    .collect(),
            ),
        ];
        for (what, luma) in frames {
            assert_eq!(decode_luma(w, h, &luma), None, "{what} (luma)");
            assert_eq!(
                decode_rgba(w, h, &luma_to_rgba(&luma)),
                None,
                "{what} (rgba)"
            );
        }
    }

    #[test]
    fn a_damaged_code_gives_none_or_the_right_text() {
        // Blank out the middle third of a low-redundancy code: it must not decode to garbage.
        let payload = payloads()[1];
        let (w, h, mut luma) = render_luma(
            payload,
            Scene {
                ec: EcLevel::L,
                ..Scene::default()
            },
        );
        let (w_us, h_us) = (w as usize, h as usize);
        for y in h_us / 3..2 * h_us / 3 {
            for x in w_us / 4..3 * w_us / 4 {
                luma[y * w_us + x] = 255;
            }
        }
        assert_eq!(decode_luma(w, h, &luma), None);
    }

    #[test]
    fn bad_buffer_sizes_give_none_without_panicking() {
        let (w, h, luma) = render_luma(N, Scene::default());
        assert_eq!(decode_luma(w, h, &luma[1..]), None);
        assert_eq!(decode_luma(w + 1, h, &luma), None);
        assert_eq!(decode_luma(0, h, &[]), None);
        assert_eq!(decode_luma(w, 0, &[]), None);
        assert_eq!(decode_luma(u32::MAX, u32::MAX, &luma), None);
        let rgba = luma_to_rgba(&luma);
        assert_eq!(decode_rgba(w, h, &rgba[..rgba.len() - 1]), None);
        assert_eq!(decode_rgba(w, h, &luma), None);
        assert_eq!(decode_rgba(0, 0, &[]), None);
        // The right sizes do decode.
        assert_eq!(decode_luma(w, h, &luma).as_deref(), Some(N));
        assert_eq!(decode_rgba(w, h, &rgba).as_deref(), Some(N));
    }

    #[test]
    fn transparent_pixels_count_as_white() {
        let (w, h, luma) = render_luma(N, Scene::default());
        // Dark modules opaque black, light ones fully transparent black.
        let rgba: Vec<u8> = luma
            .iter()
            .flat_map(|&l| {
                if l < 128 {
                    [0, 0, 0, 255]
                } else {
                    [0, 0, 0, 0]
                }
            })
            .collect();
        assert_eq!(decode_rgba(w, h, &rgba).as_deref(), Some(N));
    }

    #[test]
    fn luma_conversion() {
        assert_eq!(rgba_to_luma(0, 0, 0, 255), 0);
        assert_eq!(rgba_to_luma(255, 255, 255, 255), 255);
        assert_eq!(rgba_to_luma(0, 0, 0, 0), 255);
        assert_eq!(rgba_to_luma(255, 0, 0, 255), 77);
        assert_eq!(rgba_to_luma(0, 255, 0, 255), 149);
        assert_eq!(rgba_to_luma(0, 0, 255, 255), 29);
        assert_eq!(rgba_to_luma(0, 0, 0, 128), 127);
    }

    #[test]
    fn windows_1251_payload_is_read() {
        // «КНМ № 2722…» encoded in Windows-1251 by an old generator.
        let mut bytes = vec![0xCA, 0xCD, 0xCC, b' ', 0xB9, b' '];
        bytes.extend_from_slice(N.as_bytes());
        let code = QrCode::new(&bytes).unwrap();
        let modules = code.width();
        let colors = code.to_colors();
        let (q, m) = (4usize, 4usize);
        let side = (modules + 2 * q) * m;
        let luma: Vec<u8> = (0..side * side)
            .map(|i| {
                let (mx, my) = ((i % side) / m, (i / side) / m);
                let inside = |v: usize| v >= q && v < q + modules;
                if inside(mx) && inside(my) && colors[(my - q) * modules + mx - q] == Color::Dark {
                    0
                } else {
                    255
                }
            })
            .collect();
        let text = decode_luma(side as u32, side as u32, &luma).unwrap();
        assert_eq!(text, format!("КНМ № {N}"));
    }

    #[test]
    fn utf8_payload_is_kept() {
        let payload = format!("ЕРКНМ № {N}");
        let (w, h, luma) = render_luma(&payload, Scene::default());
        assert_eq!(decode_luma(w, h, &luma), Some(payload));
    }
}
