.class public Lcom/example/inherit/BaseApp;
.super Landroid/app/Application;

# Defined here, called by subclasses as this.startSdks(): the call names
# the subclass. Reads the IMEI.
.method public startSdks()V
    .registers 2
    const/4 v0, 0x0
    invoke-virtual {v0}, Landroid/telephony/TelephonyManager;->getDeviceId()Ljava/lang/String;
    return-void
.end method
