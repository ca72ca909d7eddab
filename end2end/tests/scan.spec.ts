// Scanning the QR code of an event document with the phone's camera, in a browser without
// `BarcodeDetector` (as Safari on iPhones): the app's own decoder, a wasm module of its own
// (`app/qr`), is fetched when the camera starts, reads the code from the camera's frames and
// fills the number; offline it comes from the service worker's cache.
// The camera is Chromium's fake device playing a video of a printed code.
import { mkdirSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { expect, test } from "@playwright/test";
import QRCode from "qrcode";
import { collectErrors, DEMO_PASSWORD, expectNoErrors, signIn, waitForHydration } from "./support/app";
import { chromiumArgs, chromiumPath, ROOT } from "./support/env";

const NUMBER = "27220011000100012345";
const LINK = `https://proverki.gov.ru/portal/public-knm/view/${NUMBER}`;

/** One grey 640×480 frame (YUV 4:2:0, as Chromium's fake camera reads it) with the code printed
 * a little off-centre, 6 px a module, dark grey on off-white as a camera sees paper. */
function cameraVideo(text: string): string {
  const [w, h, px, quiet] = [640, 480, 6, 4];
  const qr = QRCode.create(text, { errorCorrectionLevel: "M" });
  const size = qr.modules.size;
  const side = (size + 2 * quiet) * px;
  const [left, top] = [Math.floor((w - side) / 2) + 37, Math.floor((h - side) / 2) - 21];
  const y = Buffer.alloc(w * h, 120);
  for (let row = 0; row < side; row++) {
    for (let col = 0; col < side; col++) {
      const [mr, mc] = [Math.floor(row / px) - quiet, Math.floor(col / px) - quiet];
      const inside = mr >= 0 && mc >= 0 && mr < size && mc < size;
      const dark = inside && qr.modules.get(mr, mc);
      y[(top + row) * w + left + col] = dark ? 35 : 225;
    }
  }
  const chroma = Buffer.alloc((w / 2) * (h / 2) * 2, 128);
  const frame = Buffer.concat([Buffer.from("FRAME\n"), y, chroma]);
  const file = resolve(ROOT, "target/e2e-camera.y4m");
  mkdirSync(resolve(ROOT, "target"), { recursive: true });
  writeFileSync(
    file,
    Buffer.concat([Buffer.from(`YUV4MPEG2 W${w} H${h} F10:1 Ip A1:1 C420jpeg\n`), frame, frame]),
  );
  return file;
}

test.use({
  launchOptions: {
    executablePath: chromiumPath,
    args: [
      ...chromiumArgs,
      "--use-fake-device-for-media-stream",
      "--use-fake-ui-for-media-stream",
      `--use-file-for-fake-video-capture=${cameraVideo(LINK)}`,
    ],
  },
  permissions: ["camera"],
});

test("without BarcodeDetector the scanner loads its own decoder, reads the code, and does so offline too", async ({
  page,
  context,
}) => {
  // Chromium on Linux has no BarcodeDetector anyway; make sure, whatever the platform.
  await context.addInitScript(() => {
    delete (window as { BarcodeDetector?: unknown }).BarcodeDetector;
  });
  const errors = collectErrors(page);
  const decoderFetches: string[] = [];
  page.on("request", (request) => {
    if (/\/qr\/knd_qr\.[0-9a-f]+\.wasm$/.test(request.url())) decoderFetches.push(request.url());
  });
  await signIn(page, "business@demo.knd.local");
  await page.goto("/rate");
  const module = await page.locator('meta[name="knd-qr"]').getAttribute("content");
  expect(module).toMatch(/^\/qr\/knd_qr\.[0-9a-f]{16}\.wasm$/);
  const field = page.getByLabel("Номер мероприятия в ЕРКНМ или ссылка на него");
  await expect(field).toHaveValue("");
  expect(decoderFetches, "the decoder is not part of the page's first load").toEqual([]);

  await page.getByRole("button", { name: "Сканировать QR-код" }).click();
  await expect(field).toHaveValue(LINK, { timeout: 20_000 });
  expect(decoderFetches.length).toBeGreaterThan(0);
  // The camera is off once the code is read.
  await expect(page.getByRole("button", { name: "Сканировать QR-код" })).toBeVisible();

  // Offline, the service worker has the decoder (it was precached with the app).
  await context.setOffline(true);
  await page.goto("/rate");
  await expect(page.locator(".criterion").first()).toBeVisible();
  await field.fill("");
  await page.getByRole("button", { name: "Сканировать QR-код" }).click();
  await expect(field).toHaveValue(LINK, { timeout: 20_000 });
  await expect(page.getByText("Камера недоступна: введите номер вручную")).toBeHidden();
  await context.setOffline(false);
  // The scanned number is not a demo event (its lookup answers 404), and offline the page's
  // requests to the server fail: neither is a fault of the scanner.
  await expectNoErrors(errors.filter((e) => !/ERR_INTERNET_DISCONNECTED|status of 404/.test(e)));
});

test.describe("without the service worker's copy", () => {
  test.use({ serviceWorkers: "block" });

  test("a decoder that cannot be fetched is said so, and the camera is not turned on", async ({ page, context }) => {
    await context.addInitScript(() => {
      delete (window as { BarcodeDetector?: unknown }).BarcodeDetector;
    });
    await page.goto("/login");
    await waitForHydration(page);
    await page.getByLabel("Электронная почта").fill("business@demo.knd.local");
    await page.getByLabel("Пароль").fill(DEMO_PASSWORD);
    await page.getByRole("button", { name: "Войти", exact: true }).click();
    await expect(page).toHaveURL(/\/cabinet/);
    // As offline before the service worker stored the decoder.
    await page.route(/\/qr\/knd_qr\.[0-9a-f]+\.wasm$/, (route) => route.abort("internetdisconnected"));
    await page.goto("/rate");
    await waitForHydration(page);
    await page.getByRole("button", { name: "Сканировать QR-код" }).click();
    await expect(page.getByRole("alert").filter({ hasText: "Не удалось загрузить распознавание QR-кода" })).toBeVisible();
    await expect(page.locator(".scanner-video")).toHaveCount(0);
    await expect(page.getByRole("button", { name: "Сканировать QR-код" })).toBeVisible();
  });
});
