import { parseConfig } from '../src/config/load.ts';
import { readFileSync } from 'node:fs';
parseConfig(readFileSync('/work/main/examples/shop-dashboard/runway.yaml','utf8'), 'runway.yaml');
