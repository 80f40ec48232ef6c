import type { DeliveryObserver } from '../../contract/manager.js';
import type { GateEvents } from './domain-gate.js';

/** The domain gate's events, passed on to the manager's observer. */
export function gateEvents(observer: DeliveryObserver): GateEvents {
  return {
    throttled: (event) => observer.domainThrottled?.(event),
    restored: (domain) => observer.domainRestored?.(domain),
  };
}
