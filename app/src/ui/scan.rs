//! Scanning the QR code on an event document with the phone's camera, decoded on the device:
//! by the browser's `BarcodeDetector` where it exists, otherwise by our Rust decoder
//! (`app/qr`, a wasm module of its own named in `<meta name="knd-qr">`, fetched when the
//! camera starts) on frames drawn to a canvas. Nothing leaves the device.

use leptos::prelude::*;

use crate::i18n::{t, use_i18n};

/// Why scanning stopped without a code.
#[derive(Clone, Copy, PartialEq, Eq)]
// Set only in the browser.
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
enum Failure {
    /// No camera, or the user refused it.
    Camera,
    /// Our decoder could not be fetched (offline before the service worker stored it).
    Decoder,
}

#[component]
pub fn QrScanner(on_text: Callback<String>) -> AnyView {
    let i18n = use_i18n();
    let active = RwSignal::new(false);
    let failed = RwSignal::new(None::<Failure>);
    let video = NodeRef::<leptos::html::Video>::new();
    let start = move |_| {
        failed.set(None);
        active.set(true);
        #[cfg(feature = "hydrate")]
        imp::start(video, active, failed, on_text);
    };
    let stop = move |_| {
        active.set(false);
        #[cfg(feature = "hydrate")]
        imp::stop(video);
    };
    #[cfg(not(feature = "hydrate"))]
    let _ = on_text;
    view! {
        <div class="scanner">
            <Show
                when=move || active.get()
                fallback=move || {
                    view! {
                        <button type="button" class="button" on:click=start>
                            {t!(i18n, rate.scan)}
                        </button>
                    }
                }
            >
                <p class="hint">{t!(i18n, rate.scan_hint)}</p>
                <video node_ref=video class="scanner-video" autoplay muted playsinline></video>
                <button type="button" class="button" on:click=stop>
                    {t!(i18n, rate.scan_stop)}
                </button>
            </Show>
            <p class="field-error" role="alert" hidden=move || failed.get().is_none()>
                {move || match failed.get() {
                    Some(Failure::Decoder) => t!(i18n, rate.scan_decoder_unavailable).into_any(),
                    _ => t!(i18n, rate.scan_unavailable).into_any(),
                }}
            </p>
        </div>
    }
    .into_any()
}

#[cfg(feature = "hydrate")]
mod imp {
    use leptos::prelude::*;
    use std::{cell::RefCell, rc::Rc};
    use wasm_bindgen::{JsCast, JsValue};
    use wasm_bindgen_futures::JsFuture;

    use super::Failure;

    /// Frames are examined this often while the camera is on.
    const EVERY_MS: u32 = 300;

    pub fn start(
        video: NodeRef<leptos::html::Video>,
        active: RwSignal<bool>,
        failed: RwSignal<Option<Failure>>,
        on_text: Callback<String>,
    ) {
        leptos::task::spawn_local(async move {
            if let Err(failure) = run(video, active, on_text).await {
                failed.set(Some(failure));
                active.set(false);
            }
            stop(video);
        });
    }

    pub fn stop(video: NodeRef<leptos::html::Video>) {
        if let Some(video) = video.get_untracked() {
            if let Some(stream) = video
                .src_object()
                .and_then(|s| s.dyn_into::<web_sys::MediaStream>().ok())
            {
                for track in stream.get_tracks().iter() {
                    if let Ok(track) = track.dyn_into::<web_sys::MediaStreamTrack>() {
                        track.stop();
                    }
                }
            }
            video.set_src_object(None);
        }
    }

    async fn sleep(ms: u32) {
        let promise = js_sys::Promise::new(&mut |resolve, _| {
            let _ =
                window().set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms as i32);
        });
        let _ = JsFuture::from(promise).await;
    }

    async fn run(
        video: NodeRef<leptos::html::Video>,
        active: RwSignal<bool>,
        on_text: Callback<String>,
    ) -> Result<(), Failure> {
        // Without the browser's detector, ours: fetched now (or from the service worker's
        // cache offline), before the camera is turned on for nothing.
        let detector = barcode_detector();
        let decoder = match detector {
            Some(_) => None,
            None => Some(Decoder::shared().await.map_err(|_| Failure::Decoder)?),
        };
        camera(video, active, on_text, detector, decoder)
            .await
            .map_err(|_| Failure::Camera)
    }

    async fn camera(
        video: NodeRef<leptos::html::Video>,
        active: RwSignal<bool>,
        on_text: Callback<String>,
        detector: Option<JsValue>,
        decoder: Option<Rc<Decoder>>,
    ) -> Result<(), JsValue> {
        let devices = window().navigator().media_devices()?;
        let constraints = web_sys::MediaStreamConstraints::new();
        let video_constraints = js_sys::Object::new();
        js_sys::Reflect::set(
            &video_constraints,
            &"facingMode".into(),
            &"environment".into(),
        )?;
        constraints.set_video(&video_constraints);
        let stream: web_sys::MediaStream =
            JsFuture::from(devices.get_user_media_with_constraints(&constraints)?)
                .await?
                .dyn_into()?;
        // The <video> appears with `active`; wait for it.
        let mut element = None;
        for _ in 0..20 {
            if let Some(v) = video.get_untracked() {
                element = Some(v);
                break;
            }
            sleep(50).await;
        }
        let element: web_sys::HtmlVideoElement = element.ok_or("no video element")?;
        element.set_src_object(Some(&stream));
        let canvas: web_sys::HtmlCanvasElement = document().create_element("canvas")?.dyn_into()?;
        while active.get_untracked() {
            sleep(EVERY_MS).await;
            let (w, h) = (element.video_width(), element.video_height());
            if w == 0 || h == 0 {
                continue;
            }
            let text = match &detector {
                Some(detector) => detect(detector, &element).await,
                None => decoder
                    .as_ref()
                    .and_then(|decoder| decode_frame(decoder, &canvas, &element, w, h)),
            };
            if let Some(text) = text {
                on_text.run(text);
                active.set(false);
            }
        }
        Ok(())
    }

    /// The browser's own detector, when it has one for QR codes.
    fn barcode_detector() -> Option<JsValue> {
        let constructor = js_sys::Reflect::get(&window(), &"BarcodeDetector".into()).ok()?;
        let constructor: js_sys::Function = constructor.dyn_into().ok()?;
        let options = js_sys::Object::new();
        let formats = js_sys::Array::of1(&"qr_code".into());
        js_sys::Reflect::set(&options, &"formats".into(), &formats).ok()?;
        js_sys::Reflect::construct(&constructor, &js_sys::Array::of1(&options)).ok()
    }

    async fn detect(detector: &JsValue, video: &web_sys::HtmlVideoElement) -> Option<String> {
        let method: js_sys::Function = js_sys::Reflect::get(detector, &"detect".into())
            .ok()?
            .dyn_into()
            .ok()?;
        let promise: js_sys::Promise = method.call1(detector, video).ok()?.dyn_into().ok()?;
        let found = js_sys::Array::from(&JsFuture::from(promise).await.ok()?);
        let first = found.get(0);
        js_sys::Reflect::get(&first, &"rawValue".into())
            .ok()?
            .as_string()
    }

    fn decode_frame(
        decoder: &Decoder,
        canvas: &web_sys::HtmlCanvasElement,
        video: &web_sys::HtmlVideoElement,
        w: u32,
        h: u32,
    ) -> Option<String> {
        // About 640 px on the long side: enough modules per pixel, little work per frame.
        let scale = (640.0 / f64::from(w.max(h))).min(1.0);
        let (cw, ch) = ((f64::from(w) * scale) as u32, (f64::from(h) * scale) as u32);
        canvas.set_width(cw);
        canvas.set_height(ch);
        let context: web_sys::CanvasRenderingContext2d =
            canvas.get_context("2d").ok()??.dyn_into().ok()?;
        context
            .draw_image_with_html_video_element_and_dw_and_dh(
                video,
                0.0,
                0.0,
                f64::from(cw),
                f64::from(ch),
            )
            .ok()?;
        let image = context
            .get_image_data(0.0, 0.0, f64::from(cw), f64::from(ch))
            .ok()?;
        // The pixels as the browser holds them (a Uint8ClampedArray), not copied into Rust.
        let rgba = js_sys::Reflect::get(&image, &"data".into()).ok()?;
        decoder.decode_rgba(cw, ch, &rgba)
    }

    /// The QR decoder module (`app/qr/src/ffi.rs`): plain exported functions over its own
    /// memory, no imports, so it needs no JavaScript glue.
    struct Decoder {
        memory: js_sys::WebAssembly::Memory,
        input: js_sys::Function,
        decode: js_sys::Function,
        output: js_sys::Function,
    }

    thread_local! {
        /// The decoder once instantiated: a second scan on the page reuses it.
        static LOADED: RefCell<Option<Rc<Decoder>>> = const { RefCell::new(None) };
    }

    impl Decoder {
        async fn shared() -> Result<Rc<Decoder>, JsValue> {
            if let Some(decoder) = LOADED.with_borrow(Clone::clone) {
                return Ok(decoder);
            }
            let decoder = Rc::new(Decoder::load().await?);
            LOADED.set(Some(decoder.clone()));
            Ok(decoder)
        }

        async fn load() -> Result<Decoder, JsValue> {
            let url = document()
                .query_selector("meta[name=\"knd-qr\"]")?
                .and_then(|meta| meta.get_attribute("content"))
                .ok_or("no QR decoder module")?;
            let response = window().fetch_with_str(&url);
            let source = JsFuture::from(js_sys::WebAssembly::instantiate_streaming(
                &response,
                &js_sys::Object::new(),
            ))
            .await?;
            let instance: js_sys::WebAssembly::Instance =
                js_sys::Reflect::get(&source, &"instance".into())?.dyn_into()?;
            let exports = instance.exports();
            let export = |name: &str| js_sys::Reflect::get(&exports, &name.into());
            Ok(Decoder {
                memory: export("memory")?.dyn_into()?,
                input: export("qr_input")?.dyn_into()?,
                decode: export("qr_decode_rgba")?.dyn_into()?,
                output: export("qr_output")?.dyn_into()?,
            })
        }

        /// `rgba`: a typed array of `width * height * 4` bytes.
        fn decode_rgba(&self, width: u32, height: u32, rgba: &JsValue) -> Option<String> {
            let len = width.checked_mul(height)?.checked_mul(4)?;
            let at = self
                .input
                .call1(&JsValue::NULL, &len.into())
                .ok()?
                .as_f64()? as u32;
            // The buffer is read after the call: growing the memory replaces it.
            js_sys::Uint8Array::new_with_byte_offset_and_length(&self.memory.buffer(), at, len)
                .set(rgba, 0);
            let found = self
                .decode
                .call2(&JsValue::NULL, &width.into(), &height.into())
                .ok()?
                .as_f64()?;
            if found < 0.0 {
                return None;
            }
            let at = self.output.call0(&JsValue::NULL).ok()?.as_f64()? as u32;
            let bytes = js_sys::Uint8Array::new_with_byte_offset_and_length(
                &self.memory.buffer(),
                at,
                found as u32,
            )
            .to_vec();
            String::from_utf8(bytes).ok()
        }
    }
}
