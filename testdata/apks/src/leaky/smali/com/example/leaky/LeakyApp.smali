.class public Lcom/example/leaky/LeakyApp;
.super Landroid/app/Application;
.source "LeakyApp.java"


# direct methods
.method public constructor <init>()V
    .locals 0

    invoke-direct {p0}, Landroid/app/Application;-><init>()V

    return-void
.end method


# virtual methods
.method public onCreate()V
    .locals 5

    invoke-super {p0}, Landroid/app/Application;->onCreate()V

    const-string v0, "5f1e2d3c4b5a697887766554"

    const-string v1, "official"

    const/4 v2, 0x1

    const-string v3, ""

    invoke-static {p0, v0, v1, v2, v3}, Lcom/umeng/commonsdk/UMConfigure;->init(Landroid/content/Context;Ljava/lang/String;Ljava/lang/String;ILjava/lang/String;)V

    invoke-static {p0}, Lcn/jpush/android/api/JPushInterface;->init(Landroid/content/Context;)V

    invoke-static {p0}, Lcom/example/leaky/DeviceInfo;->collect(Landroid/content/Context;)Ljava/lang/String;

    move-result-object v4

    const-string v0, "LeakyApp"

    invoke-static {v0, v4}, Landroid/util/Log;->d(Ljava/lang/String;Ljava/lang/String;)I

    return-void
.end method
