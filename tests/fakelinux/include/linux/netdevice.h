struct net_device { unsigned int mtu; };
