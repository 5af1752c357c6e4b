package dev.cutover.demo;

import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.LongAdder;

/**
 * The request mix of the sample application, read-heavy like the SaaS it stands for: 80 % reads
 * (order detail 50 %, user profile 26 %, a tenant's recent orders 4 %), 20 % writes (place
 * order 12 %, rename user 5 %, sign-up 3 %). The tenant's list is the legacy schema's expensive
 * page: the tenant is reached through its users, so the query visits every order of the tenant
 * to find the ten latest (8–25 ms at a million orders, where an order detail takes a fraction
 * of a millisecond); at a fifth of the requests it alone would need more than two cores at
 * 2,000 requests/s. Every acknowledged write goes to the {@link WriteLog};
 * new users and orders join the {@link Directory} so later requests read them back.
 */
public final class SaasWorkload implements LoadGenerator.Workload {
    private static final List<String> SHIPPING = List.of("standard", "express", "overnight", "pickup");

    private final SaasApp app;
    private final Directory directory;
    private final WriteLog log;
    private final IdGenerator ids = new IdGenerator();
    private final Set<Long> renaming = ConcurrentHashMap.newKeySet();
    private final LongAdder reads = new LongAdder();
    private final LongAdder writes = new LongAdder();

    public SaasWorkload(SaasApp app, Directory directory, WriteLog log) {
        this.app = app;
        this.directory = directory;
        this.log = log;
    }

    public WriteLog log() {
        return log;
    }

    public long reads() {
        return reads.sum();
    }

    public long writes() {
        return writes.sum();
    }

    @Override
    public void call(long seq) throws Exception {
        ThreadLocalRandom rng = ThreadLocalRandom.current();
        int r = rng.nextInt(100);
        if (r < 50) {
            long[] o = directory.randomOrder();
            if (o != null) {
                app.orderDetail((int) o[1], o[0]);
            } else {
                app.listTenantOrders(directory.randomTenant());
            }
            reads.increment();
        } else if (r < 54) {
            app.listTenantOrders(directory.randomTenant());
            reads.increment();
        } else if (r < 80) {
            long[] u = directory.randomUser();
            app.userProfile((int) u[1], u[0]);
            reads.increment();
        } else if (r < 92) {
            placeOrder(rng);
        } else if (r < 97) {
            rename(rng);
        } else {
            signUp(rng);
        }
    }

    private void placeOrder(ThreadLocalRandom rng) throws Exception {
        long[] u = directory.randomUser();
        long id = ids.next();
        int tenant = (int) u[1];
        String shipping = rng.nextInt(10) == 0 ? null : SHIPPING.get(rng.nextInt(SHIPPING.size()));
        Integer priority = rng.nextInt(20) == 0 ? null : rng.nextInt(4);
        long cents = 1 + rng.nextLong(200_000);
        var created = SaasApp.now();
        app.placeOrder(id, tenant, u[0], shipping, priority, cents, created);
        writes.increment();
        log.placed(new WriteLog.Order(id, tenant, u[0], shipping, priority, cents, created));
        directory.addOrder(id, tenant);
    }

    private void rename(ThreadLocalRandom rng) throws Exception {
        long[] u = directory.randomUser();
        if (!renaming.add(u[0])) {
            app.userProfile((int) u[1], u[0]);
            reads.increment();
            return;
        }
        try {
            String name = name(rng);
            if (app.renameUser(u[0], (int) u[1], name)) {
                log.renamed(u[0], (int) u[1], name);
            }
            writes.increment();
        } finally {
            renaming.remove(u[0]);
        }
    }

    private void signUp(ThreadLocalRandom rng) throws Exception {
        long id = ids.next();
        int tenant = directory.randomTenant();
        String name = name(rng);
        String email = name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", ".") + "." + id + "@tenant" + tenant + ".example.com";
        app.signUp(id, tenant, name, email, SaasApp.now());
        writes.increment();
        log.signedUp(id, tenant, name, email);
        directory.addUser(id, tenant);
    }

    private static String name(ThreadLocalRandom rng) {
        int k = rng.nextInt(20);
        if (k == 0) {
            return SampleNames.SINGLE.get(rng.nextInt(SampleNames.SINGLE.size()));
        }
        if (k == 1) {
            return SampleNames.UNICODE.get(rng.nextInt(SampleNames.UNICODE.size()));
        }
        if (k == 2) {
            return SampleNames.MULTI_WORD.get(rng.nextInt(SampleNames.MULTI_WORD.size()));
        }
        return SampleNames.FIRST.get(rng.nextInt(SampleNames.FIRST.size())) + " " + SampleNames.LAST.get(rng.nextInt(SampleNames.LAST.size()));
    }
}
