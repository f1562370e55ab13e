/* Event routing by StreamID: the guest's events to its vIOMMU with the vSID, the rest
 * to the owning domain's handler or the SMMU's (smmu_domain.h). */
#include "smmu/smmu_domain.h"
#include "smmu/smmu_nested.h"
#include "smmu_internal.h"

void smmu_set_event_handler(smmu_t *smmu, smmu_event_cb_t cb, void *arg)
{
    if (!smmu || !smmu->probed)
        return;
    smmu->event_cb = cb;
    smmu->event_arg = arg;
}

static void route_event(void *arg, const smmu_event_t *ev)
{
    smmu_t *smmu = (smmu_t *)arg;
    smmu_master_t *m = smmu_find_master(smmu, (uint32_t)DW_GET(EVT, SID, ev->dw));
    smmu_domain_t *d = m ? m->domain : 0;
    char line[SMMU_LINE];

    if (d && d->type == SMMU_DOMAIN_NESTED) {
        /* The stream table is the host's: an STE fetch abort is not the guest's. */
        if (!DW_GET(EVT, S2, ev->dw) && DW_GET(EVT, TYPE, ev->dw) != EVT_F_STE_FETCH &&
            smmu_viommu_report(d->viommu, m, ev))
            return;
        /* Stage-2 faults are the host's: the parent's handler. */
        d = d->viommu ? d->viommu->parent : 0;
    }
    if (d && d->fault_cb) {
        d->fault_cb(d->fault_arg, ev);
    } else if (smmu->event_cb) {
        smmu->event_cb(smmu->event_arg, ev);
    } else {
        smmu_event_decode(ev, line, sizeof line);
        smmu_log(smmu, SMMU_LOG_WARN, line);
    }
}

int smmu_evtq_dispatch(smmu_t *smmu, unsigned max)
{
    if (!smmu || !smmu->initialised)
        return SMMU_EINVAL;
    return smmu_evtq_drain(smmu, route_event, smmu, max);
}

int smmu_irq(smmu_t *smmu, unsigned src)
{
    if (!smmu || !smmu->initialised)
        return SMMU_EINVAL;
    switch (src) {
    case SMMU_MSI_EVENTQ: return smmu_evtq_dispatch(smmu, 0);
    case SMMU_MSI_GERROR: return smmu_gerror_handle(smmu);
    default: return SMMU_EINVAL;
    }
}
