.class public Lcom/example/hegui/Modern;
.super Ljava/lang/Object;
.source "Modern.java"

.field public static serial:Ljava/lang/String;
.field public count:I

.method public constructor <init>()V
    .registers 1
    invoke-direct {p0}, Ljava/lang/Object;-><init>()V
    return-void
.end method

.method public static bootstrap(Ljava/lang/invoke/MethodHandles$Lookup;Ljava/lang/String;Ljava/lang/invoke/MethodType;)Ljava/lang/invoke/CallSite;
    .registers 4
    const/4 v0, 0x0
    return-object v0
.end method

.method public static target(I)V
    .registers 1
    return-void
.end method

.method public handles(Ljava/lang/invoke/MethodHandle;)V
    .registers 8
    const-method-handle v0, invoke-static@Lcom/example/hegui/Modern;->target(I)V
    const-method-type v1, (ILjava/lang/String;)V
    const/4 v2, 0x1
    invoke-polymorphic {p1, v2}, Ljava/lang/invoke/MethodHandle;->invoke([Ljava/lang/Object;)Ljava/lang/Object;, (I)V
    invoke-polymorphic/range {p1 .. p1}, Ljava/lang/invoke/MethodHandle;->invokeExact([Ljava/lang/Object;)Ljava/lang/Object;, ()V
    invoke-custom {v2}, call_site_0("run", (I)V)@Lcom/example/hegui/Modern;->bootstrap(Ljava/lang/invoke/MethodHandles$Lookup;Ljava/lang/String;Ljava/lang/invoke/MethodType;)Ljava/lang/invoke/CallSite;
    invoke-custom/range {v2 .. v2}, call_site_1("walk", (I)V)@Lcom/example/hegui/Modern;->bootstrap(Ljava/lang/invoke/MethodHandles$Lookup;Ljava/lang/String;Ljava/lang/invoke/MethodType;)Ljava/lang/invoke/CallSite;
    return-void
.end method

.method public payloads(I)I
    .registers 8
    const-wide v0, 0x123456789abcdef0L
    const-string/jumbo v2, "jumbo"
    new-array v3, p1, [I
    fill-array-data v3, :array_0
    packed-switch p1, :pswitch_data_0
    sparse-switch p1, :sswitch_data_0
    const-string v2, "after switches"
    sget-object v4, Lcom/example/hegui/Modern;->serial:Ljava/lang/String;
    iget v5, p0, Lcom/example/hegui/Modern;->count:I
    sput-object v2, Lcom/example/hegui/Modern;->serial:Ljava/lang/String;
    const-class v6, Landroid/telephony/TelephonyManager;
    new-instance v6, Ljava/lang/StringBuilder;
    invoke-direct {v6}, Ljava/lang/StringBuilder;-><init>()V
    filled-new-array/range {v0 .. v1}, [J
    return v5

    :pswitch_0
    const-string v2, "zero"
    return v5

    :pswitch_1
    const-string v2, "one"
    return v5

    :sswitch_0
    const-string v2, "\u4e2d\u6587 \ud83d\ude00 nul:\u0000 lone:\ud800!"
    return v5

    :array_0
    .array-data 4
        0x1
        0x2
        0x3
    .end array-data

    :pswitch_data_0
    .packed-switch 0x0
        :pswitch_0
        :pswitch_1
    .end packed-switch

    :sswitch_data_0
    .sparse-switch
        0x64 -> :sswitch_0
        0x3e8 -> :pswitch_1
    .end sparse-switch

    :array_1
    .array-data 1
        0x1t
        0x2t
        0x3t
    .end array-data
.end method
