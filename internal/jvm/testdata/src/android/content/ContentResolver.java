package android.content;

// Stand-in for the platform class (not put in the JAR).
public class ContentResolver {}
