package android.provider;

import android.content.ContentResolver;

// Stand-in for the platform class (not put in the JAR).
public final class Settings {
    public static final class Secure {
        public static String getString(ContentResolver cr, String name) { return null; }
    }
}
