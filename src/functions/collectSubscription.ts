import { app } from '@azure/functions';
import {
  COLLECT_SUBSCRIPTION_FUNCTION,
  createCollectSubscriptionFunction,
} from './handlers/collectSubscriptionHandler';

// Registration only; see handlers/collectSubscriptionHandler.ts.
app.storageQueue(COLLECT_SUBSCRIPTION_FUNCTION, createCollectSubscriptionFunction(process.env).options);
