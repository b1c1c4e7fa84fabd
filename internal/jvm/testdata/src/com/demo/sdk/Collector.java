package com.demo.sdk;

import android.telephony.TelephonyManager;
import java.util.function.Supplier;

/** A small analytics SDK: reads an identifier and reports to its server. */
public class Collector implements Runnable {
    static final String SERVER = "https://stat.demo-sdk.example.cn/v2/report";
    static final long BIG = 1234567890123L;
    static final double RATE = 0.25;
    private final TelephonyManager tm;

    public Collector(TelephonyManager tm) { this.tm = tm; }

    public String deviceId() {
        return tm.getDeviceId();
    }

    public void run() {
        Supplier<String> s = () -> tm.getImei();
        send(SERVER + "?id=" + s.get() + "&名=值\u0000");
    }

    static int choose(int k) {
        switch (k) {            // tableswitch
            case 1: return 10;
            case 2: return 20;
            case 3: return 30;
            default: return 0;
        }
    }

    static int sparse(int k) {
        switch (k) {            // lookupswitch
            case 1: return 1;
            case 1000: return 2;
            case 100000: return 3;
            default: return BIG > 0 && RATE > 0 ? 4 : 5;
        }
    }

    static int wide() {
        int a0=0,a1=1,a2=2,a3=3,a4=4,a5=5,a6=6,a7=7,a8=8,a9=9;
        long[] pad = new long[1];
        int x = 0;
        for (int i = 0; i < 300; i++) { x += i; }
        int[][] grid = new int[2][3];
        return x + a0 + a9 + grid.length + pad.length;
    }

    native void nativeInit();

    private void send(String body) {
        System.out.println(body);
    }
}
