-- Hand-written: handoff_contributions and handoff_rollup gain the kind 'onboardings' (onboardings by start); the projector's next chunk fills every rollup whole.
UPDATE "projector_state" SET "rollups" = 'refill';
