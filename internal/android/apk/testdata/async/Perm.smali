.class public Lcom/example/async/Perm;
.super Landroid/app/Activity;

# A request whose array is made by filled-new-array, as R8 emits it.
.method public ask()V
    .registers 4
    const-string v0, "android.permission.CAMERA"
    const-string v1, "android.permission.READ_CONTACTS"
    filled-new-array {v0, v1}, [Ljava/lang/String;
    move-result-object v0
    const/4 v1, 0x1
    invoke-static {p0, v0, v1}, Landroidx/core/app/ActivityCompat;->requestPermissions(Landroid/app/Activity;[Ljava/lang/String;I)V
    return-void
.end method
