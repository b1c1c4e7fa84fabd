// A ride-hailing app's code, as far as the PI it reaches: no SDK headers
// (none exist off Apple platforms), so the classes are declared here.
__attribute__((objc_root_class))
@interface NSObject
+ (id)new;
+ (id)alloc;
- (id)init;
@end
@interface CLLocationManager : NSObject
- (void)requestWhenInUseAuthorization;
- (void)startUpdatingLocation;
@end
@interface ASIdentifierManager : NSObject
+ (id)sharedManager;
- (id)advertisingIdentifier;
@end
@interface UIDevice : NSObject
+ (id)currentDevice;
- (id)identifierForVendor;
@end
@interface UIPasteboard : NSObject
+ (id)generalPasteboard;
- (id)string;
@end
@interface CNContactStore : NSObject
- (void)enumerateContactsWithFetchRequest:(id)r error:(id *)e usingBlock:(id)b;
@end
extern const void *CNCopyCurrentNetworkInfo(const void *ifname);
extern int printf(const char *, ...);

// The WeChat SDK's entry class, linked statically into the app (as apps
// that embed libWeChatSDK.a have it): its presence names the SDK, and the
// app's own reads below stay the app's.
@interface WXApi : NSObject
@end
@implementation WXApi
@end

@interface RideTracker : NSObject
@end
@implementation RideTracker
- (void)start {
    CLLocationManager *m = [CLLocationManager new];
    [m requestWhenInUseAuthorization];
    [m startUpdatingLocation];
    id idfa = [[ASIdentifierManager sharedManager] advertisingIdentifier];
    id idfv = [[UIDevice currentDevice] identifierForVendor];
    id clip = [[UIPasteboard generalPasteboard] string];
    printf("%p %p %p %p\n", idfa, idfv, clip, CNCopyCurrentNetworkInfo(0));
    printf("https://api.ride.example.cn/v1/track?src=ios\n");
}
@end

int main(void) {
    [[RideTracker new] start];
    return 0;
}
