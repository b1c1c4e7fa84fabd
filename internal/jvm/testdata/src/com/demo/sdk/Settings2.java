package com.demo.sdk;

import android.content.ContentResolver;
import android.net.wifi.ScanResult;
import android.provider.Settings;
import java.util.HashMap;
import java.util.Map;

/** Calls that look like PI reads and are not. */
final class Settings2 {
    // Another setting read; "android_id" is only a map key here.
    static String provisioned(ContentResolver cr, Map<String, String> m) {
        m.put("android_id", "x");
        return Settings.Secure.getString(cr, "device_provisioned");
    }

    // The Android ID itself: a read.
    static String androidId(ContentResolver cr) {
        return Settings.Secure.getString(cr, "android_id");
    }

    // A field written, not read.
    static ScanResult placeholder() {
        ScanResult r = new ScanResult();
        r.SSID = "<none>";
        return r;
    }
}
