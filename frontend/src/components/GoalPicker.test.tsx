import { describe, expect, it } from 'vitest';
import { goalCatalog } from '../test/fixtures';
import { categoryLabel, groupByCategory } from './GoalPicker';

describe('GoalPicker helpers', () => {
  it('groups goals by category in the order the server lists them', () => {
    const groups = groupByCategory([goalCatalog.goals[3]!, goalCatalog.goals[1]!, goalCatalog.goals[0]!, goalCatalog.goals[2]!]);
    expect(groups.map((g) => [g.category, g.goals.map((goal) => goal.id)])).toEqual([
      ['travel-helpers', ['goal_travel_helper']],
      ['travel-flights', ['goal_event_flight_invoice', 'goal_flight_quote']],
      ['agents', ['choose-agent']],
    ]);
  });

  it('labels categories in words', () => {
    expect(categoryLabel('travel-flights')).toBe('Travel flights');
    expect(categoryLabel('finance_helpers')).toBe('Finance helpers');
    expect(categoryLabel('')).toBe('Other');
  });
});
