// Records session.har: Debian's chromium, driven by puppeteer-core, opens
// app.html from server.py (every host mapped to 127.0.0.1); the DevTools
// events of the visit are turned into HAR 1.2 by chrome-har, the
// converter sitespeed.io uses. See make-har.sh.
const puppeteer = require("puppeteer-core");
const { harFromMessages } = require("chrome-har");
const fs = require("fs");

(async () => {
  const browser = await puppeteer.launch({
    executablePath: "/usr/bin/chromium",
    args: ["--no-sandbox", "--headless=new", "--host-resolver-rules=MAP * 127.0.0.1"],
  });
  const page = await browser.newPage();
  const client = await page.createCDPSession();
  const events = [];
  const wanted = ["Page.loadEventFired", "Page.domContentEventFired", "Page.frameStartedLoading", "Page.frameAttached",
    "Page.frameScheduledNavigation", "Network.requestWillBeSent", "Network.requestServedFromCache", "Network.dataReceived",
    "Network.responseReceived", "Network.resourceChangedPriority", "Network.loadingFinished", "Network.loadingFailed"];
  for (const m of wanted) client.on(m, (params) => {
    // Chrome now sends request bodies as postDataEntries (base64); the
    // converter reads postData.
    const req = params.request;
    if (req && req.hasPostData && req.postData === undefined && req.postDataEntries) {
      req.postData = req.postDataEntries.map((e) => Buffer.from(e.bytes || "", "base64").toString("utf8")).join("");
    }
    events.push({ method: m, params });
  });
  await client.send("Page.enable");
  await client.send("Network.enable");
  await page.goto("http://h5.example-app.cn:18080/app.html", { waitUntil: "networkidle0" });
  await page.waitForFunction(() => document.title === "done");
  const har = harFromMessages(events, { includeTextFromResponseBody: false });
  fs.writeFileSync(process.argv[2], JSON.stringify(har, null, 1));
  await browser.close();
})();
