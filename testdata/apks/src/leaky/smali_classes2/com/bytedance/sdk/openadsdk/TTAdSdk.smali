.class public final Lcom/bytedance/sdk/openadsdk/TTAdSdk;
.super Ljava/lang/Object;
.source "TTAdSdk.java"


# direct methods
.method private constructor <init>()V
    .locals 0

    invoke-direct {p0}, Ljava/lang/Object;-><init>()V

    return-void
.end method

.method public static init(Landroid/content/Context;Ljava/lang/Object;)V
    .locals 0

    return-void
.end method

.method public static isInitSuccess()Z
    .locals 1

    const/4 v0, 0x0

    return v0
.end method
