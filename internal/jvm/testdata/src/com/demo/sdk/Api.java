package com.demo.sdk;

public interface Api {
    String deviceId();
    default String tag() { return "demo"; }
}
