.class public Lcom/example/async/InitTask;
.super Ljava/lang/Object;
.implements Ljava/lang/Runnable;

.field private final ctx:Landroid/content/Context;

.method public constructor <init>(Landroid/content/Context;)V
    .registers 2
    invoke-direct {p0}, Ljava/lang/Object;-><init>()V
    iput-object p1, p0, Lcom/example/async/InitTask;->ctx:Landroid/content/Context;
    return-void
.end method

.method public run()V
    .registers 3
    iget-object v0, p0, Lcom/example/async/InitTask;->ctx:Landroid/content/Context;
    const-string v1, "phone"
    invoke-virtual {v0, v1}, Landroid/content/Context;->getSystemService(Ljava/lang/String;)Ljava/lang/Object;
    move-result-object v0
    check-cast v0, Landroid/telephony/TelephonyManager;
    invoke-virtual {v0}, Landroid/telephony/TelephonyManager;->getDeviceId()Ljava/lang/String;
    return-void
.end method
