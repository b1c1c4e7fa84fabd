package android.telephony;

// A stand-in for the platform class, so the SDK below compiles; it is
// not put in the JAR (an SDK's JAR never holds android.*).
public class TelephonyManager {
    public String getDeviceId() { return null; }
    public String getImei() { return null; }
}
