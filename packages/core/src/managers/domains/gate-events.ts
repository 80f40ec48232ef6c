import type { DeliveryObserver } from '../../contract/manager.js';
import type { GateEvents } from './domain-gate.js';

/** The domain gate's events, passed on to the manager's observer. */
export function gateEvents(observer: DeliveryObserver): GateEvents {
  return {
    throttled: (domain, rate, first) => observer.domainThrottled?.(domain, rate, first),
    restored: (domain) => observer.domainRestored?.(domain),
  };
}
