import { describe, expect, it } from 'vitest';
import { SingleFlight } from './single-flight.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const never = new AbortController().signal;

describe('SingleFlight', () => {
  it('answers every waiter with the value the flight settles with', async () => {
    const flights = new SingleFlight(5_000);
    const flight = flights.start('k');
    const waiting = Promise.all([flights.wait(flight, never), flights.wait(flight, never)]);
    flights.settle(flight, 'value');
    expect(await waiting).toEqual(['value', 'value']);
    expect(flights.get('k')).toBeUndefined();
    expect(await flights.wait(flight, never)).toBe('value');
  });

  it('releases waiters with undefined once the flight is older than waitMs', async () => {
    const flights = new SingleFlight(100);
    const flight = flights.start('k');
    const started = Date.now();
    expect(await flights.wait(flight, never)).toBeUndefined();
    expect(Date.now() - started).toBeGreaterThanOrEqual(90);
    expect(flights.size).toBe(0);
  });

  it('prunes flights abandoned without a settle as new flights start', async () => {
    const flights = new SingleFlight(50);
    for (let index = 0; index < 100; index++) flights.start(`abandoned-${index}`);
    expect(flights.size).toBe(100);
    await sleep(80);
    flights.start('fresh');
    expect(flights.size).toBe(1);
  });

  it('treats an expired flight as absent, so the next caller starts a new one', async () => {
    const flights = new SingleFlight(50);
    flights.start('k');
    await sleep(80);
    expect(flights.get('k')).toBeUndefined();
  });

  it('a settle after a newer flight took the key leaves the newer flight alone', async () => {
    const flights = new SingleFlight(50);
    const old = flights.start('k');
    await sleep(80);
    expect(flights.get('k')).toBeUndefined();
    const newer = flights.start('k');
    flights.settle(old, 'late');
    expect(flights.get('k')).toBe(newer);
  });

  it('an aborted waiter stops waiting; the others still get the value', async () => {
    const flights = new SingleFlight(5_000);
    const flight = flights.start('k');
    const controller = new AbortController();
    const aborted = flights.wait(flight, controller.signal);
    const patient = flights.wait(flight, never);
    controller.abort();
    expect(await aborted).toBeUndefined();
    flights.settle(flight, 'value');
    expect(await patient).toBe('value');
  });
});
