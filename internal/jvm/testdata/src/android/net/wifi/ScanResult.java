package android.net.wifi;

// Stand-in for the platform class (not put in the JAR).
public class ScanResult {
    public String SSID;
}
