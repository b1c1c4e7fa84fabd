.class public Lcom/example/inherit/GrandApp;
.super Lcom/example/inherit/ChildApp;

# An override the Application never runs (its object is a ChildApp).
# Reads the serial number.
.method public startSdks()V
    .registers 1
    invoke-static {}, Landroid/os/Build;->getSerial()Ljava/lang/String;
    return-void
.end method
