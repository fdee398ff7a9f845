struct net_device { unsigned int mtu; };
/* a macro from a kernel header: an error in its expansion is reported at this line,
   with a note pointing at the probe that used it */
#define netdev_mtu(dev) ((dev)->mtu)
/* a function a kernel header declares: a body declaring another of that name fails */
unsigned int dev_get_mtu(const struct net_device *dev);
