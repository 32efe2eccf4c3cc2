-- The weights of an algorithm's tenants in its fair share of slots, {"tenant": weight}, each a whole
-- number from 1 to 1000; a tenant absent weighs 1.
alter table algorithm
    add column tenant_weights jsonb not null default '{}'
        check (jsonb_typeof(tenant_weights) = 'object');
