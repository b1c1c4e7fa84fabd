.class public Lcom/example/inherit/MidApp;
.super Lcom/example/inherit/BaseApp;

# Defined here, in the same dex as its caller's class. Reads the Android ID.
.method public helper()V
    .registers 3
    const/4 v0, 0x0
    const-string v1, "android_id"
    invoke-static {v0, v1}, Landroid/provider/Settings$Secure;->getString(Landroid/content/ContentResolver;Ljava/lang/String;)Ljava/lang/String;
    return-void
.end method
